"""A letter queued to whoever holds a role follows the role when it changes hands before
the letter leaves: re-addressed to the new holder (re-rendered in their forms), or held
for review, as the campaign says; a role with nobody in it holds its letters."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.webhooks.models import WebhookEvent
from tests.campaign_data import RECIPIENTS, action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import deliver_all, make_print_batch
from tests.smtp_sink import SinkHandler

FOREIGN_AFFAIRS = "Minister of Foreign Affairs"
ANAND = {
    "honorific": "The Honourable",
    "first_name": "Anita",
    "last_name": "Anand",
    "post_nominals": "P.C., M.P.",
    "elected_office": "MP",
    "gender": "female",
    "district": {"name": "Oakville East", "province": "ON"},
    "email": "anita.anand@parl.gc.ca",
    "addresses": [RECIPIENTS["joly"]["addresses"][0]],
}


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    settings.email_backend = "smtp"
    settings.smtp_port = sink[1]
    settings.delivery_backoff_seconds = 0.0
    settings.worker_poll_seconds = 0.05
    settings.webhook_allow_private_addresses = True
    return settings


def queued_to_joly(client: TestClient, caller: Caller, **campaign: Any) -> dict[str, Any]:
    """A letter to the Minister of Foreign Affairs (Joly), queued and not yet sent; then
    the shuffle: Joly's role ends today, and Anand's starts."""
    ids = make_directory(client, caller)
    make_campaign(client, caller, targets=[{"type": "role", "role": FOREIGN_AFFAIRS}], **campaign)
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["letter.readdressed", "letter.held"]}
    assert client.post("/v1/webhooks", json=hook, headers=caller.headers).status_code == 201
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=action_body(language="fr"))
    assert taken.status_code == 201, taken.text
    (letter,) = taken.json()["letters"]
    assert letter["recipient"]["display_name"] == "Mélanie Joly"
    today = date.today().isoformat()
    joly_role = RECIPIENTS["joly"]["roles"][0] | {"end_date": today}
    client.patch(
        f"/v1/recipients/{ids['joly']}", json={"roles": [joly_role]}, headers=caller.headers
    )
    return {"letter_id": letter["id"], "ids": ids}


def shown(client: TestClient, caller: Caller, letter_id: str) -> dict[str, Any]:
    return client.get(f"/v1/letters/{letter_id}", headers=caller.headers).json()  # type: ignore[no-any-return]


def events(session: Session, kind: str) -> list[str]:
    return [e.body for e in session.scalars(select(WebhookEvent).where(WebhookEvent.type == kind))]


def test_a_queued_letter_is_readdressed_to_the_new_holder_when_it_is_sent(
    client: TestClient, caller: Caller, mail_settings: Settings,
    sink: tuple[SinkHandler, int], session: Session,
) -> None:  # fmt: skip
    queued = queued_to_joly(client, caller)
    anand = ANAND | {
        "roles": [
            {
                "title_en": FOREIGN_AFFAIRS,
                "title_fr": "ministre des Affaires étrangères",
                "start_date": date.today().isoformat(),
            }
        ]
    }
    assert client.post("/v1/recipients", json=anand, headers=caller.headers).status_code == 201
    deliver_all(client, mail_settings)
    (received,) = sink[0].received
    assert received.recipients == ["anita.anand@parl.gc.ca"]
    body = received.message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Madame la Ministre" in text and "Anita Anand" in text and "Joly" not in text
    letter = shown(client, caller, queued["letter_id"])
    assert letter["status"] == "sent" and letter["recipient_name"] == "Anita Anand"
    assert letter["readdressed_from"]["display_name"] == "Mélanie Joly"
    assert letter["role_target"] == FOREIGN_AFFAIRS
    assert len(events(session, "letter.readdressed")) == 1


def test_a_campaign_that_says_hold_keeps_the_letter_for_review(
    client: TestClient, caller: Caller, mail_settings: Settings,
    sink: tuple[SinkHandler, int], session: Session,
) -> None:  # fmt: skip
    queued = queued_to_joly(client, caller, on_holder_change="hold")
    anand = ANAND | {
        "roles": [{"title_en": FOREIGN_AFFAIRS, "start_date": date.today().isoformat()}]
    }
    client.post("/v1/recipients", json=anand, headers=caller.headers)
    deliver_all(client, mail_settings)
    assert sink[0].received == []
    letter = shown(client, caller, queued["letter_id"])
    assert letter["status"] == "held_for_review"
    assert "Mélanie Joly" in letter["held_reason"] and "Anita Anand" in letter["held_reason"]
    assert letter["recipient_name"] == "Mélanie Joly"  # as written, until someone decides
    assert len(events(session, "letter.held")) == 1


def test_a_role_nobody_holds_holds_its_letters_and_says_so(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    queued = queued_to_joly(client, caller)
    deliver_all(client, mail_settings)
    assert sink[0].received == []
    letter = shown(client, caller, queued["letter_id"])
    assert letter["status"] == "held_for_review"
    assert letter["held_reason"] == f"Nobody holds the role {FOREIGN_AFFAIRS} today."


def test_a_letter_whose_holder_is_unchanged_goes_as_written(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, targets=[{"type": "role", "role": FOREIGN_AFFAIRS}])
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=action_body()).json()
    deliver_all(client, mail_settings)
    (received,) = sink[0].received
    assert received.recipients == ["melanie.joly@parl.gc.ca"]
    letter = shown(client, caller, taken["letters"][0]["id"])
    assert letter["readdressed_from"] is None and letter["held_reason"] is None
    assert letter["status"] == "sent"


def test_a_print_letter_follows_the_role_into_its_batch(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    settings.webhook_allow_private_addresses = True
    queued = queued_to_joly(client, caller, channels=["print"])
    anand = ANAND | {
        "roles": [{"title_en": FOREIGN_AFFAIRS, "start_date": date.today().isoformat()}]
    }
    client.post("/v1/recipients", json=anand, headers=caller.headers)
    batch = make_print_batch(client, caller.headers)
    manifest = client.get(f"/v1/print-batches/{batch['id']}/manifest.csv", headers=caller.headers)
    assert "Anita Anand" in manifest.text and "Joly" not in manifest.text
    letter = shown(client, caller, queued["letter_id"])
    assert (
        letter["status"] == "batched"
        and letter["readdressed_from"]["display_name"] == "Mélanie Joly"
    )


def held_for_review(client: TestClient, caller: Caller, settings: Settings) -> dict[str, Any]:
    """A letter to the Minister of Foreign Affairs held because the role changed hands on
    a campaign that holds such letters; Anand holds the role now."""
    queued = queued_to_joly(client, caller, on_holder_change="hold")
    anand = ANAND | {
        "roles": [
            {
                "title_en": FOREIGN_AFFAIRS,
                "title_fr": "ministre des Affaires étrangères",
                "start_date": date.today().isoformat(),
            }
        ]
    }
    assert client.post("/v1/recipients", json=anand, headers=caller.headers).status_code == 201
    deliver_all(client, settings)
    assert shown(client, caller, queued["letter_id"])["status"] == "held_for_review"
    return queued


def test_releasing_a_held_letter_readdresses_it_to_the_holder_and_sends_it(
    client: TestClient, caller: Caller, mail_settings: Settings,
    sink: tuple[SinkHandler, int], session: Session,
) -> None:  # fmt: skip
    held = held_for_review(client, caller, mail_settings)
    released = client.post(f"/v1/letters/{held['letter_id']}/release", headers=caller.headers)
    assert released.status_code == 200, released.text
    letter = released.json()
    assert letter["status"] == "queued" and letter["recipient_name"] == "Anita Anand"
    assert letter["readdressed_from"]["display_name"] == "Mélanie Joly"
    assert letter["held_reason"] is None
    assert len(events(session, "letter.readdressed")) == 1
    deliver_all(client, mail_settings)
    (received,) = sink[0].received
    assert received.recipients == ["anita.anand@parl.gc.ca"]
    body = received.message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "Madame la Ministre" in text and "Anita Anand" in text and "Joly" not in text
    assert shown(client, caller, held["letter_id"])["status"] == "sent"


def test_a_held_letter_whose_role_nobody_holds_cannot_be_released(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    queued = queued_to_joly(client, caller)
    deliver_all(client, mail_settings)
    released = client.post(f"/v1/letters/{queued['letter_id']}/release", headers=caller.headers)
    assert released.status_code == 409, released.text
    assert released.headers["content-type"] == "application/problem+json"
    assert f"Nobody holds the role {FOREIGN_AFFAIRS} today." in released.json()["detail"]
    assert shown(client, caller, queued["letter_id"])["status"] == "held_for_review"
    assert sink[0].received == []


def test_only_a_held_letter_can_be_released(
    client: TestClient, caller: Caller, mail_settings: Settings
) -> None:
    queued = queued_to_joly(client, caller)
    released = client.post(f"/v1/letters/{queued['letter_id']}/release", headers=caller.headers)
    assert released.status_code == 409, released.text
    assert "queued" in released.json()["detail"]
    assert released.json()["type"] == "/problems/letter-not-held"
    missing = client.post("/v1/letters/ltr_nothere/release", headers=caller.headers)
    assert missing.status_code == 404
