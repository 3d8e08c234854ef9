"""Every supporter's receipt: one email, once their letters may go, in their language,
with a copy of each letter and the link to their letters page; sent by the worker to a
real SMTP server and read back with the strict parser."""

import email.policy
import re
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.scopes import Scope
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.smtp_sink import Received, SinkHandler


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int], tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={"email_backend": "smtp", "smtp_port": sink[1], "outbox_dir": tmp_path / "out"}
    )


def read_back(received: Received) -> EmailMessage:
    parsed = BytesParser(policy=email.policy.strict).parsebytes(received.raw)
    assert isinstance(parsed, EmailMessage)
    return parsed


def text_of(parsed: EmailMessage) -> str:
    body = parsed.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def link_in(text: str) -> str:
    match = re.search(r"http://127\.0\.0\.1:8000(/letters/\S+)", text)
    assert match, text
    return match[1]


def take_action(client: TestClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/campaigns/rescind-stca/actions", json=action_body(**changes))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_receipt_comes_first_with_the_letters_and_the_link_to_stop_them(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, send_receipt=True, hold_minutes=5)
    supporter = {"first_name": 'Amélie "the nurse"', "last_name": "Tremblay-Côté"}
    taken = take_action(client, language="fr", supporter=supporter)
    deliver_all(client, mail_settings)
    (receipt,) = sink[0].received  # the letters are held: only the receipt has left
    assert receipt.recipients == ["amelie@example.org"]
    parsed = read_back(receipt)
    assert str(parsed["Subject"]) == "Vos lettres au sujet de Annulez l'ETPS"
    assert parsed["Content-Language"] == "fr"
    (to,) = parsed["To"].addresses
    assert (to.display_name, to.addr_spec) == (
        'Amélie "the nurse" Tremblay-Côté',
        "amelie@example.org",
    )
    assert all(not header.defects for _, header in parsed.items())
    text = text_of(parsed)
    assert "Elles attendent 5 minutes avant de pouvoir partir" in text
    for letter in taken["letters"]:
        assert letter["body_text"].rstrip() in text
        assert f"À : {letter['recipient']['display_name']}" in text
    page = client.get(link_in(text))
    assert page.status_code == 200 and "Arrêter cette lettre" in page.text


def test_a_campaign_that_asks_for_confirmation_sends_the_receipt_once_confirmed(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, send_receipt=True, confirm_email=True, hold_minutes=0)
    take_action(client)
    deliver_all(client, mail_settings)
    (confirmation,) = sink[0].received
    link = next(
        line.strip().removeprefix("http://127.0.0.1:8000")
        for line in text_of(read_back(confirmation)).splitlines()
        if "/confirm?token=" in line
    )
    page, _, token = link.partition("?token=")
    confirmed = client.post(page, data={"token": token})
    assert confirmed.status_code == 200
    letters_page = re.search(r'<p class="letters-page"><a href="([^"]+)"', confirmed.text)
    assert letters_page and client.get(letters_page[1].replace("&amp;", "&")).status_code == 200
    assert client.post(page, data={"token": token}).status_code == 200  # again: no 2nd receipt
    deliver_all(client, mail_settings)
    subjects = [str(read_back(item)["Subject"]) for item in sink[0].received[1:]]
    assert sorted(subjects) == sorted(
        ["Your letters about Rescind the STCA", *["Rescind the Safe Third Country Agreement"] * 2]
    )


def test_a_campaign_may_send_no_receipt(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, send_receipt=False)
    take_action(client)
    deliver_all(client, mail_settings)
    assert all(item.recipients != ["amelie@example.org"] for item in sink[0].received)
    assert len(sink[0].received) == 2


def test_an_erased_supporter_gets_no_receipt_and_their_link_ends(
    client: TestClient,
    caller: Caller,
    make_caller: MakeCaller,
    settings: Settings,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, send_receipt=True, hold_minutes=5)
    take_action(client)
    assert settings.email_backend == "file"
    deliver_all(client, settings)  # the app's file backend: an .eml named by the receipt's id
    (eml,) = settings.outbox_dir.glob("*.eml")
    parsed = BytesParser(policy=email.policy.strict).parsebytes(eml.read_bytes())
    assert isinstance(parsed, EmailMessage)
    link = link_in(text_of(parsed))
    assert client.get(link).status_code == 200
    writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
    erased = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=writer.headers
    )
    assert erased.status_code == 200 and erased.json()["files_deleted"] == 1
    assert not eml.exists()
    assert client.get(link).status_code == 410
    deliver_all(client, mail_settings)
    assert sink[0].received == []
