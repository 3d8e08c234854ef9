"""The hold window: a campaign's `hold_minutes` keeps each letter back that long once it
may go, so that its supporter can still stop it; neither the email lane nor a print
batch takes it earlier, whatever its delivery row says."""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.delivery.models import Delivery
from app.delivery.sending import claim_due_deliveries
from app.letters.models import Letter
from app.settings import Settings
from app.tokens import confirmation_token
from tests.campaign_data import action_body, campaign_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import deliver_all
from tests.smtp_sink import SinkHandler


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int], tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={"email_backend": "smtp", "smtp_port": sink[1], "outbox_dir": tmp_path / "out"}
    )


def take_action(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def make_body() -> dict[str, Any]:
    return campaign_body(slug="held")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def letters_of(client: TestClient, caller: Caller, action: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        client.get(f"/v1/letters/{item['id']}", headers=caller.headers).json()
        for item in action["letters"]
    ]


def end_the_window(session: Session, action: dict[str, Any]) -> None:
    """As if the minutes had passed: the letters' window, and their deliveries' due time."""
    past = utcnow() - timedelta(seconds=1)
    ids = [item["id"] for item in action["letters"]]
    session.execute(update(Letter).where(Letter.id.in_(ids)).values(hold_until=past))
    session.execute(update(Delivery).where(Delivery.letter_id.in_(ids)).values(due_at=past))
    session.commit()


def test_campaigns_hold_letters_five_minutes_unless_they_say_otherwise(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    default = client.post(
        "/v1/campaigns",
        json={k: v for k, v in make_body().items() if k != "hold_minutes"},
        headers=caller.headers,
    )
    assert default.status_code == 201, default.text
    assert default.json()["hold_minutes"] == 5
    taken = client.post("/v1/campaigns/held/actions", json=action_body()).json()
    for letter in letters_of(client, caller, taken):
        assert letter["status"] == "queued"
        held_for = _parse(letter["hold_until"]) - _parse(letter["created_at"])
        assert held_for == timedelta(minutes=5)
        assert letter["next_attempt_at"] == letter["hold_until"]


@pytest.mark.parametrize("minutes", [-1, 1441, "soon"])
def test_a_hold_out_of_bounds_is_refused_naming_the_field(
    client: TestClient, caller: Caller, minutes: object
) -> None:
    response = client.post(
        "/v1/campaigns", json=make_body() | {"hold_minutes": minutes}, headers=caller.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["hold_minutes"]


def test_the_email_lane_leaves_a_held_letter_until_its_window_ends(
    client: TestClient,
    caller: Caller,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, hold_minutes=30)
    taken = take_action(client)
    deliver_all(client, mail_settings)
    assert sink[0].received == []
    # Even a delivery made due by other means (a retry, a release) is not claimed.
    ids = [item["id"] for item in taken["letters"]]
    session.execute(update(Delivery).where(Delivery.letter_id.in_(ids)).values(due_at=utcnow()))
    session.commit()
    assert claim_due_deliveries(session, "w1", 10, 60) == []
    assert {letter["status"] for letter in letters_of(client, caller, taken)} == {"queued"}
    end_the_window(session, taken)
    deliver_all(client, mail_settings)
    assert len(sink[0].received) == 2
    assert {letter["status"] for letter in letters_of(client, caller, taken)} == {"sent"}


def test_a_held_letter_can_be_cancelled_and_then_never_leaves(
    client: TestClient,
    caller: Caller,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, hold_minutes=5)
    taken = take_action(client)
    first = taken["letters"][0]["id"]
    cancelled = client.post(f"/v1/letters/{first}/cancel", headers=caller.headers)
    assert cancelled.status_code == 200, cancelled.text
    end_the_window(session, taken)
    deliver_all(client, mail_settings)
    assert len(sink[0].received) == 1
    states = {letter["id"]: letter["status"] for letter in letters_of(client, caller, taken)}
    assert states[first] == "cancelled" and sorted(states.values()) == ["cancelled", "sent"]


def test_no_window_sends_at_once(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, hold_minutes=0)
    taken = take_action(client)
    assert {letter["hold_until"] for letter in letters_of(client, caller, taken)} == {None}
    deliver_all(client, mail_settings)
    assert len(sink[0].received) == 2


def test_the_window_of_a_letter_waiting_for_confirmation_starts_when_it_is_confirmed(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, hold_minutes=10, confirm_email=True)
    taken = take_action(client)
    assert {letter["hold_until"] for letter in letters_of(client, caller, taken)} == {None}
    confirmed = client.post(
        f"/actions/{taken['id']}/confirm",
        data={"token": confirmation_token(client.app.state.settings, taken["id"])},  # type: ignore[attr-defined]
    )
    assert confirmed.status_code == 200
    after = letters_of(client, caller, taken)
    assert {letter["status"] for letter in after} == {"queued"}
    for letter in after:
        assert _parse(letter["hold_until"]) > utcnow() + timedelta(minutes=9)
    deliver_all(client, mail_settings)
    assert [item.message["Subject"] for item in sink[0].received] == [
        "Please confirm your email address"
    ]


def test_a_print_batch_leaves_letters_in_their_window(
    client: TestClient, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"], hold_minutes=5)
    taken = take_action(client)
    refused = client.post("/v1/print-batches", json={}, headers=caller.headers)
    assert refused.status_code == 422, refused.text
    end_the_window(session, taken)
    batch = client.post("/v1/print-batches", json={}, headers=caller.headers)
    assert batch.status_code == 202, batch.text  # gathered now, built by the worker
    assert batch.json()["letter_count"] == 2
