"""Many supporters behind one address (a classroom, an office): past the per-address
limit their actions are taken, and their letters wait for each to confirm by email,
rather than being refused. The per-mailbox limit still refuses."""

import email
from typing import Any

from fastapi.testclient import TestClient

from app.settings import Settings
from app.tokens import confirmation_link
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import deliver_all

ACTIONS = "/v1/campaigns/rescind-stca/actions"


def student(n: int, language: str = "en") -> dict[str, Any]:
    return action_body(supporter={"email": f"student{n}@example.org"}, language=language)


def text_of_email_to(settings: Settings, address: str) -> str:
    """The text of the one email in the outbox to `address`."""
    found = [email.message_from_bytes(p.read_bytes()) for p in settings.outbox_dir.glob("*.eml")]
    (message,) = [message for message in found if address in str(message["To"])]
    parts = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    return "".join(part.get_payload(decode=True).decode() for part in parts)  # type: ignore[union-attr]


def test_the_61st_action_from_one_address_waits_for_email_confirmation(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)  # asks no confirmation
    assert settings.rate_limit_actions_per_address == "60/hour"  # the default
    taken = [client.post(ACTIONS, json=student(n)) for n in range(60)]
    assert [answer.status_code for answer in taken] == [201] * 60
    held = client.post(ACTIONS, json=student(60))
    assert held.status_code == 201, held.text
    assert {(t.json()["confirmation"], t.json()["next_step"]) for t in taken} == {
        ("not_required", None)
    }
    answer = held.json()
    assert answer["confirmation"] == "pending"
    assert {letter["status"] for letter in answer["letters"]} == {"pending_confirmation"}
    assert "student60@example.org" in answer["next_step"]
    assert "confirm" in answer["next_step"]
    french = client.post(ACTIONS, json=student(61, "fr")).json()
    assert french["confirmation"] == "pending" and "courriel" in french["next_step"]
    deliver_all(client, settings)
    link = confirmation_link(settings, answer["id"])
    assert link in text_of_email_to(settings, "student60@example.org")
    letter_id = answer["letters"][0]["id"]
    shown = client.get(f"/v1/letters/{letter_id}", headers=caller.headers).json()
    assert shown["status"] == "pending_confirmation"
    page, _, token = link.removeprefix(settings.public_url).partition("?token=")
    confirmed = client.post(page, data={"token": token})
    assert confirmed.status_code == 200, confirmed.text
    shown = client.get(f"/v1/letters/{letter_id}", headers=caller.headers).json()
    assert shown["status"] == "queued"


def test_past_the_address_limit_the_per_mailbox_limit_still_refuses(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)
    for n in range(60):
        assert client.post(ACTIONS, json=student(n)).status_code == 201
    assert settings.rate_limit_actions_per_email == "10/hour"
    one_mailbox = [
        action_body(supporter={"email": f"classmate+{n}@example.org"}) for n in range(11)
    ]
    answers = [client.post(ACTIONS, json=body) for body in one_mailbox]
    assert [answer.status_code for answer in answers] == [201] * 10 + [429]
    assert {answer.json()["confirmation"] for answer in answers[:10]} == {"pending"}
