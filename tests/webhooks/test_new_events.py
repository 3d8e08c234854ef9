"""`action.confirmed` and `supporter.erased`: made by really confirming and erasing,
received by a real HTTP receiver; ids and states only, nothing of the supporter."""

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from app.auth.scopes import Scope
from app.constituents.service import apply_retention
from app.db import utcnow
from app.letters.models import Action, Letter
from app.settings import Settings
from app.tokens import confirmation_token
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.http_receiver import Receiver
from tests.webhook_data import bodies, make_webhook, take_action


def of_type(receiver: Receiver, event_type: str) -> list[dict[str, Any]]:
    return [body for body in bodies(receiver) if body["type"] == event_type]


def test_a_confirmation_is_told_once_without_personal_data(
    client: TestClient, caller: Caller, make_caller: MakeCaller, receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    make_directory(client, caller)
    campaign = make_campaign(client, caller, confirm_email=True)
    hooks_only = make_caller([Scope.WEBHOOKS_WRITE], caller.organisation_id)
    make_webhook(client, hooks_only, receiver.url, ["action.confirmed"])
    taken = client.post(
        "/v1/campaigns/rescind-stca/actions",
        json=action_body(metadata={"crm_id": "C-1042"}),
    ).json()
    deliver_all(client, settings)  # the confirmation email; nothing confirmed yet
    assert of_type(receiver, "action.confirmed") == []
    link = f"/v1/actions/{taken['id']}/confirm"
    token = confirmation_token(settings, taken["id"])
    for _ in range(2):  # following the link again changes nothing
        assert client.get(link, params={"token": token}).status_code == 200
    shown = client.get(f"/v1/actions/{taken['id']}", headers=caller.headers).json()
    deliver_all(client, settings)
    (event,) = of_type(receiver, "action.confirmed")
    data = event["data"]
    assert (data["id"], data["campaign_id"], data["campaign"]) == (
        taken["id"], campaign["id"], "rescind-stca",
    )  # fmt: skip
    assert data["metadata"] == {"crm_id": "C-1042"}
    assert data["confirmed_at"] == shown["confirmed_at"]
    assert {letter["id"] for letter in data["letters"]} == {
        letter["id"] for letter in taken["letters"]
    }
    # The letters as they stood once confirmed (queued, or held while the supporter may
    # still stop them), as the API showed them then.
    assert data["letters"] == shown["letters"]
    assert "pending_confirmation" not in {letter["status"] for letter in data["letters"]}
    assert set(data) == {"id", "campaign", "campaign_id", "metadata", "confirmed_at", "letters"}
    for personal in ("amelie", "Tremblay", "Principale", "T5A"):
        assert personal not in json.dumps(event)


def test_an_action_that_needs_no_confirmation_is_not_told_confirmed(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url, ["action.confirmed", "action.created"])
    take_action(client)
    deliver_all(client, settings)
    assert [body["type"] for body in bodies(receiver)] == ["action.created"]


def test_an_erasure_is_told_by_ids_alone(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, make_caller: MakeCaller,
) -> None:  # fmt: skip
    hooks_only = make_caller([Scope.WEBHOOKS_WRITE], caller.organisation_id)
    make_webhook(client, hooks_only, receiver.url, ["supporter.erased"])
    hers = take_action(client)
    take_action(client, "bob@example.org")
    deliver_all(client, settings)
    assert bodies(receiver) == []
    for _ in range(2):  # erasing again finds nothing, and tells nothing
        erased = client.delete(
            "/v1/constituents", params={"email": "amelie@example.org"}, headers=caller.headers
        )
        assert erased.status_code == 200, erased.text
    deliver_all(client, settings)
    (event,) = bodies(receiver)
    assert event["type"] == "supporter.erased"
    data = event["data"]
    assert data["action_ids"] == [hers["id"]]
    assert data["letter_ids"] == sorted(letter["id"] for letter in hers["letters"])
    assert data["campaign_ids"] == [campaign["id"]] and data["erased_at"]
    assert set(data) == {"action_ids", "letter_ids", "campaign_ids", "erased_at", "reason"}
    assert data["reason"] == "request"
    for personal in ("amelie", "Amélie", "Tremblay", "Principale", "T5A"):
        assert personal not in json.dumps(event, ensure_ascii=False)
    shown = client.get(f"/v1/actions/{hers['id']}", headers=caller.headers).json()
    assert shown["scrubbed_at"] is not None


def test_an_erasure_of_nobody_tells_nothing(
    client: TestClient, caller: Caller, receiver: Receiver, settings: Settings
) -> None:
    make_webhook(client, caller, receiver.url, ["supporter.erased"])
    erased = client.delete(
        "/v1/constituents", params={"email": "nobody@example.org"}, headers=caller.headers
    )
    assert erased.status_code == 200 and erased.json()["actions"] == 0
    deliver_all(client, settings)
    assert receiver.received == []


def test_an_erasure_by_retention_is_told_as_one_on_request_is(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url, ["supporter.erased"])
    hers = take_action(client)
    recent = take_action(client, "bob@example.org")
    deliver_all(client, settings)
    long_ago = utcnow() - timedelta(days=settings.retention_days + 1)
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        session.execute(
            update(Letter)
            .where(Letter.action_id == hers["id"])
            .values(created_at=long_ago, sent_at=long_ago)
        )
        session.execute(update(Action).where(Action.id == hers["id"]).values(created_at=long_ago))
        session.commit()
        run = apply_retention(session, settings)
        assert run.actions == 1
        assert apply_retention(session, settings).actions == 0  # nothing twice
    deliver_all(client, settings)
    (event,) = bodies(receiver)
    assert event["type"] == "supporter.erased"
    data = event["data"]
    assert (data["action_ids"], data["reason"]) == ([hers["id"]], "retention")
    assert data["letter_ids"] == sorted(letter["id"] for letter in hers["letters"])
    assert data["campaign_ids"] == [campaign["id"]]
    assert recent["id"] not in json.dumps(event)
    for personal in ("amelie", "Amélie", "Tremblay", "Principale"):
        assert personal not in json.dumps(event, ensure_ascii=False)
