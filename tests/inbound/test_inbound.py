"""Mail that comes back: letters are sent through a real SMTP server on loopback, and
real-shaped bounces, delays and auto-replies to their return paths are fed back through
both inbound paths (`letterdesk inbound` on standard input, in a subprocess; and the SMTP
listener over loopback). The letter's state, the record and the webhook event follow."""

import email
import email.policy
import json
import os
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.auth.scopes import Scope
from app.constituents.service import apply_retention
from app.db import utcnow
from app.inbound.addresses import id_of_bounce_address, verp_address
from app.inbound.listener import listener
from app.inbound.models import InboundMessage, Reply
from app.inbound.service import receive
from app.letters.models import Action, Letter
from app.settings import Settings
from app.webhooks.models import WebhookEvent
from tests.campaign_data import HILL, action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.inbound_mail import exim_bounce, out_of_office, postfix_dsn
from tests.smtp_sink import Received, SinkHandler, _free_port

MILLER = "marc.miller@parl.gc.ca"


@pytest.fixture
def settings(settings: Settings, sink: tuple[SinkHandler, int]) -> Settings:
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "worker_poll_seconds": 0.05,
            "webhook_allow_private_addresses": True,
        }
    )


@pytest.fixture
def sent(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int]
) -> dict[str, Received]:
    """Two letters sent (and the supporter's copies), with a webhook for letter.bounced;
    what arrived at the SMTP server, by recipient."""
    make_directory(client, caller)
    make_campaign(client, caller, copy_to_supporter=True)
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["letter.bounced"]}
    assert client.post("/v1/webhooks", json=hook, headers=caller.headers).status_code == 201
    assert client.post("/v1/campaigns/rescind-stca/actions", json=action_body()).status_code == 201
    deliver_all(client, settings)
    return {item.recipients[0]: item for item in sink[0].received}


def letter(client: TestClient, caller: Caller, letter_id: str) -> dict[str, Any]:
    return client.get(f"/v1/letters/{letter_id}", headers=caller.headers).json()  # type: ignore[no-any-return]


def run_inbound(
    settings: Settings, raw: bytes, *arguments: str, env: dict[str, str] | None = None
) -> str:
    """`letterdesk inbound` as an MTA's pipe runs it."""
    env = (
        (env or {})
        | os.environ
        | {
            "LETTERDESK_DATABASE_URL": settings.database_url,
            "LETTERDESK_SECRET_KEY": str(settings.secret_key),
            "LETTERDESK_LOG_LEVEL": "warning",
        }
    )
    command = [str(Path(sys.executable).parent / "letterdesk"), "inbound", *arguments]
    done = subprocess.run(command, input=raw, env=env, capture_output=True, check=True)
    return done.stdout.decode().strip()


def events(session: Session, kind: str) -> list[dict[str, Any]]:
    session.expire_all()
    rows = session.scalars(select(WebhookEvent.body).where(WebhookEvent.type == kind))
    return [json.loads(body) for body in rows]


def test_a_permanent_failure_bounces_the_letter_by_the_pipe(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session,
) -> None:  # fmt: skip
    miller = sent[MILLER]
    letter_id = id_of_bounce_address(settings, miller.sender)
    assert letter_id is not None and letter_id.startswith("ltr_")
    assert letter(client, caller, letter_id)["status"] == "sent"
    answer = run_inbound(
        settings, postfix_dsn(miller.sender, MILLER, miller.raw), "--recipient", miller.sender
    )
    assert answer == f"bounce {letter_id}"
    bounced = letter(client, caller, letter_id)
    assert bounced["status"] == "bounced"
    assert "5.1.1" in bounced["failed_reason"] and "User unknown" in bounced["failed_reason"]
    (event,) = events(session, "letter.bounced")
    assert event["data"]["id"] == letter_id and event["data"]["status"] == "bounced"
    # The same bounce again (an MTA that delivered twice) changes nothing more.
    run_inbound(
        settings, postfix_dsn(miller.sender, MILLER, miller.raw), "--recipient", miller.sender
    )
    assert len(events(session, "letter.bounced")) == 1
    kinds = session.scalars(
        select(InboundMessage.kind).where(InboundMessage.letter_id == letter_id)
    ).all()
    assert kinds == ["bounce", "bounce"]


def test_a_delay_and_auto_replies_leave_the_letter_sent(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session,
) -> None:  # fmt: skip
    other = next(item for to, item in sent.items() if to not in (MILLER, "amelie@example.org"))
    letter_id = id_of_bounce_address(settings, other.sender)
    assert letter_id is not None
    to = other.recipients[0]
    delayed = postfix_dsn(other.sender, to, other.raw, permanent=False)
    # Without --recipient: the MTA's Delivered-To names the address.
    assert run_inbound(settings, b"Delivered-To: " + other.sender.encode() + b"\r\n" + delayed) == (
        f"delay {letter_id}"
    )
    away = out_of_office(other.sender, to, "Auto-Submitted: auto-replied")
    assert run_inbound(settings, away, "--recipient", other.sender) == f"auto_reply {letter_id}"
    assert letter(client, caller, letter_id)["status"] == "sent"
    assert events(session, "letter.bounced") == []
    reasons = dict(
        session.execute(
            select(InboundMessage.kind, InboundMessage.reason).where(
                InboundMessage.letter_id == letter_id
            )
        ).all()
    )
    assert "4.4.1" in str(reasons["delay"])


@pytest.mark.parametrize(
    ("header", "subject"),
    [
        ("Auto-Submitted: auto-generated", "Re: your letter"),
        ("X-Autoreply: yes", "Re: your letter"),
        ("Precedence: auto_reply", "Re: your letter"),
        ("X-Mailer: Outlook", "Réponse automatique : votre lettre"),
        ("X-Mailer: Outlook", "=?utf-8?q?R=C3=A9ponse_automatique_:?= votre lettre"),
        ("X-Mailer: Outlook", "Automatic reply: your letter"),
    ],
)
def test_an_auto_reply_is_never_a_bounce(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session, header: str, subject: str,
) -> None:  # fmt: skip
    miller = sent[MILLER]
    outcome = receive(
        session, settings, out_of_office(miller.sender, MILLER, header, subject), [miller.sender]
    )
    assert outcome.kind == "auto_reply" and outcome.letter_status == "sent"


def test_a_bounce_of_the_supporters_copy_is_not_the_letters(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session,
) -> None:  # fmt: skip
    copy = sent["amelie@example.org"]
    about = id_of_bounce_address(settings, copy.sender)
    assert about is not None and about.startswith("act_")
    outcome = receive(
        session, settings, exim_bounce(copy.sender, "amelie@example.org", copy.raw), []
    )
    assert outcome.kind == "unknown"  # no envelope and no Delivered-To: nothing named
    outcome = receive(
        session,
        settings,
        exim_bounce(copy.sender, "amelie@example.org", copy.raw),
        [copy.sender],
    )
    assert (outcome.kind, outcome.action_id, outcome.letter_id) == ("bounce", about, None)
    statuses = {letter(client, caller, i)["status"] for i in _letter_ids(settings, sent)}
    assert statuses == {"sent"}


def _letter_ids(settings: Settings, sent: dict[str, Received]) -> list[str]:
    ids = [id_of_bounce_address(settings, item.sender) for item in sent.values()]
    return [i for i in ids if i and i.startswith("ltr_")]


@pytest.fixture
def smtp_listener(client: TestClient, settings: Settings) -> Iterator[int]:
    port = _free_port()
    server = listener(client.app.state.sessionmaker, settings, "127.0.0.1", port)  # type: ignore[attr-defined]
    server.start()
    try:
        yield port
    finally:
        server.stop()


def test_the_smtp_listener_takes_a_bounce_and_refuses_other_addresses(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session, smtp_listener: int,
) -> None:  # fmt: skip
    miller = sent[MILLER]
    letter_id = id_of_bounce_address(settings, miller.sender)
    assert letter_id is not None
    token_start = miller.sender.index("+") + 1
    forged = (
        miller.sender[: token_start + 3]
        + ("a" if miller.sender[token_start + 3] != "a" else "b")
        + miller.sender[token_start + 4 :]
    )
    with smtplib.SMTP("127.0.0.1", smtp_listener) as connection:
        for wrong in (forged, "postmaster@letterdesk.localhost", f"x@{MILLER.split('@')[1]}"):
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                connection.sendmail("", [wrong], b"Subject: x\r\n\r\nx\r\n")
        # Mail systems may change the case of a local part: the token still reads.
        connection.sendmail(
            "", [miller.sender.upper()], exim_bounce(miller.sender, MILLER, miller.raw)
        )
    bounced = letter(client, caller, letter_id)
    assert bounced["status"] == "bounced"
    assert "Mail delivery failed" in bounced["failed_reason"] and MILLER in bounced["failed_reason"]
    assert [e["data"]["id"] for e in events(session, "letter.bounced")] == [letter_id]


def test_return_path_tokens_are_opaque_and_verified(settings: Settings) -> None:
    letter_id = "ltr_01JDQ9X5V6W7Y8Z9A0B1C2D3E4"
    address = verp_address(settings, letter_id)
    local = address.split("@")[0]
    assert len(local) <= 64 and "01jdq9" not in local.lower()
    assert id_of_bounce_address(settings, address) == letter_id
    assert id_of_bounce_address(settings, address.upper()) == letter_id
    other_key = settings.model_copy(update={"secret_key": "another"})
    assert id_of_bounce_address(other_key, address) is None
    token = local.split("+")[1]
    for position in range(len(token)):
        changed = (
            token[:position] + ("a" if token[position] != "a" else "b") + token[position + 1 :]
        )
        assert id_of_bounce_address(settings, f"bounces+{changed}@letterdesk.localhost") is None
    assert id_of_bounce_address(settings, f"bounces+{token}@elsewhere.example") is None
    assert id_of_bounce_address(settings, f"bounces+{token[:-1]}@letterdesk.localhost") is None


def test_erasure_redacts_what_came_back_about_the_supporter(
    client: TestClient, caller: Caller, make_caller: MakeCaller, settings: Settings,
    sent: dict[str, Received], session: Session,
) -> None:  # fmt: skip
    copy, miller = sent["amelie@example.org"], sent[MILLER]
    receive(
        session, settings, exim_bounce(copy.sender, "amelie@example.org", copy.raw), [copy.sender]
    )
    receive(session, settings, postfix_dsn(miller.sender, MILLER, miller.raw), [miller.sender])
    reasons = session.scalars(select(InboundMessage.reason)).all()
    assert any("amelie@example.org" in str(reason) for reason in reasons)
    writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
    response = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=writer.headers
    )
    assert response.status_code == 200, response.text
    session.expire_all()
    rows = session.execute(select(InboundMessage.kind, InboundMessage.reason)).all()
    assert sorted(rows) == [("bounce", "redacted"), ("bounce", "redacted")]


@pytest.mark.parametrize("on_bounce", ["nothing", "print"])
def test_a_bounced_letter_falls_back_as_the_campaign_says(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session, on_bounce: str,
) -> None:  # fmt: skip
    campaign_id = client.get("/v1/campaigns", headers=caller.headers).json()["items"][0]["id"]
    changed = client.patch(
        f"/v1/campaigns/{campaign_id}", json={"on_bounce": on_bounce}, headers=caller.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["on_bounce"] == on_bounce
    miller = sent[MILLER]
    letter_id = id_of_bounce_address(settings, miller.sender)
    assert letter_id is not None
    outcome = receive(
        session, settings, postfix_dsn(miller.sender, MILLER, miller.raw), [miller.sender]
    )
    queued = client.get(
        "/v1/letters", params={"channel": "print", "status": "queued"}, headers=caller.headers
    ).json()["items"]
    if on_bounce == "nothing":
        assert outcome.fallback_letter_id is None and queued == []
        return
    (printed,) = queued
    assert printed["id"] == outcome.fallback_letter_id != letter_id
    bounced, full = letter(client, caller, letter_id), letter(client, caller, printed["id"])
    assert bounced["status"] == "bounced"
    assert full["body_text"] == bounced["body_text"] and full["action_id"] == bounced["action_id"]
    assert full["recipient"]["display_name"] == bounced["recipient"]["display_name"]
    batch = client.post("/v1/print-batches", headers=caller.headers)
    assert batch.status_code == 202, batch.text
    assert batch.json()["letter_count"] == 1
    # The same bounce again queues nothing more.
    receive(session, settings, postfix_dsn(miller.sender, MILLER, miller.raw), [miller.sender])
    listed = client.get("/v1/letters", params={"channel": "print"}, headers=caller.headers)
    assert [item["id"] for item in listed.json()["items"]] == [printed["id"]]


OFFICE_EMAIL = "marc.miller.c1@parl.gc.ca"


@pytest.mark.parametrize("on_bounce", ["other_email", "other_email_or_print"])
def test_a_bounced_letter_goes_to_the_recipients_other_address(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session, sink: tuple[SinkHandler, int], on_bounce: str,
) -> None:  # fmt: skip
    """The same letter, word for word, to the office's own address the directory has
    now; when that bounces too and no address is left, print or nothing as asked."""
    campaign_id = client.get("/v1/campaigns", headers=caller.headers).json()["items"][0]["id"]
    changed = client.patch(
        f"/v1/campaigns/{campaign_id}", json={"on_bounce": on_bounce}, headers=caller.headers
    )
    assert changed.status_code == 200, changed.text
    miller = sent[MILLER]
    letter_id = id_of_bounce_address(settings, miller.sender)
    assert letter_id is not None
    recipient_id = letter(client, caller, letter_id)["recipient_id"]
    office = {**HILL, "kind": "constituency", "email": OFFICE_EMAIL}
    patched = client.patch(
        f"/v1/recipients/{recipient_id}",
        json={"addresses": [HILL | {"email": "Marc.Miller@PARL.gc.ca"}, office]},  # tried: skipped
        headers=caller.headers,
    )
    assert patched.status_code == 200, patched.text
    outcome = receive(
        session, settings, postfix_dsn(miller.sender, MILLER, miller.raw), [miller.sender]
    )
    assert outcome.fallback_letter_id is not None
    again = letter(client, caller, outcome.fallback_letter_id)
    assert (again["channel"], again["status"]) == ("email", "queued")
    assert again["recipient"]["email"] == OFFICE_EMAIL
    assert again["body_text"] == letter(client, caller, letter_id)["body_text"]
    deliver_all(client, settings)
    (other,) = [
        item for item in sink[0].received if item.recipients == ["marc.miller.c1@parl.gc.ca"]
    ]
    last = receive(
        session,
        settings,
        postfix_dsn(other.sender, OFFICE_EMAIL, other.raw),
        [other.sender],
    )
    assert letter(client, caller, outcome.fallback_letter_id)["status"] == "bounced"
    queued = client.get(
        "/v1/letters", params={"channel": "print", "status": "queued"}, headers=caller.headers
    ).json()["items"]
    if on_bounce == "other_email":
        assert last.fallback_letter_id is None and queued == []
    else:
        assert [item["id"] for item in queued] == [last.fallback_letter_id]


def test_retention_redacts_what_came_back_with_the_letters(
    client: TestClient, caller: Caller, settings: Settings, sent: dict[str, Received],
    session: Session,
) -> None:  # fmt: skip
    copy, miller = sent["amelie@example.org"], sent[MILLER]
    copy_bounce = exim_bounce(copy.sender, "amelie@example.org", copy.raw)
    receive(session, settings, copy_bounce, [copy.sender])
    receive(session, settings, postfix_dsn(miller.sender, MILLER, miller.raw), [miller.sender])
    long_ago = utcnow() - timedelta(days=settings.retention_days + 1)
    session.execute(update(Letter).values(created_at=long_ago, sent_at=long_ago))
    session.execute(update(Action).values(created_at=long_ago))
    session.commit()
    run = apply_retention(session, settings)
    session.commit()
    assert run.letters >= 2 and run.actions == 1
    session.expire_all()
    rows = session.execute(select(InboundMessage.kind, InboundMessage.reason)).all()
    assert sorted(rows) == [("bounce", "redacted"), ("bounce", "redacted")]


@pytest.fixture
def capturing(
    client: TestClient, caller: Caller, settings: Settings, sink: tuple[SinkHandler, int]
) -> dict[str, Received]:
    """Letters of a campaign with reply capture, sent; a webhook for letter.replied."""
    make_directory(client, caller)
    make_campaign(client, caller, reply_capture=True)
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["letter.replied"]}
    assert client.post("/v1/webhooks", json=hook, headers=caller.headers).status_code == 201
    body = action_body(language="fr")
    assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
    deliver_all(client, settings)
    return {item.recipients[0]: item for item in sink[0].received}


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def official_reply(letter: Received, text: str, extra: str = "") -> bytes:
    """What Outlook sends when an office answers: To the Reply-To, threaded."""
    subject = str(letter.message["Subject"])
    return f"""From: Marc Miller <{MILLER}>
To: {letter.message["Reply-To"].addresses[0].addr_spec}
Subject: RE: {subject}
In-Reply-To: {letter.message["Message-ID"]}
References: {letter.message["Message-ID"]}
Message-ID: <reply-1@parl.gc.ca>
Date: Tue, 01 Dec 2026 15:00:00 -0500
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{text}
""".replace("\n", "\r\n").encode()


def test_a_reply_is_matched_stored_forwarded_and_announced(
    client: TestClient, caller: Caller, make_caller: MakeCaller, settings: Settings,
    capturing: dict[str, Received], sink: tuple[SinkHandler, int], session: Session,
) -> None:  # fmt: skip
    miller = capturing[MILLER]
    reply_to = miller.message["Reply-To"].addresses[0].addr_spec
    assert reply_to.startswith("replies+") and reply_to.endswith("@letterdesk.localhost")
    assert "une réponse lui parvient par l'intermédiaire de" in plain_text(miller.message)
    letter_id = id_of_bounce_address(settings, miller.sender)
    text = "Madame Tremblay,\n\nMerci de votre lettre. Le ministre étudie la question.\n"
    received = len(sink[0].received)
    env_smtp = {"LETTERDESK_EMAIL_BACKEND": "smtp", "LETTERDESK_SMTP_PORT": str(sink[1])}
    answer = run_inbound(
        settings, official_reply(miller, text), "--recipient", reply_to, env=env_smtp
    )
    assert answer == f"reply_human {letter_id}"
    (forward,) = sink[0].received[received:]
    assert forward.recipients == ["amelie@example.org"]
    parsed = email.message_from_bytes(forward.raw, policy=email.policy.strict)
    assert str(parsed["Reply-To"]) == f"Marc Miller <{MILLER}>"
    assert "Merci de votre lettre" in plain_text(parsed)
    (event,) = events(session, "letter.replied")
    assert event["data"]["id"] == letter_id
    exported = client.get(
        "/v1/constituents/export", params={"email": "amelie@example.org"}, headers=caller.headers
    ).json()
    replies = [r for a in exported["actions"] for item in a["letters"] for r in item["replies"]]
    assert [(r["kind"], r["sender"]) for r in replies] == [("human", MILLER)]
    assert "Merci de votre lettre" in replies[0]["body_text"] and replies[0]["forwarded_at"]
    stored = session.scalars(select(Reply)).one()
    assert stored.threaded
    writer = make_caller([Scope.CONSTITUENTS_WRITE], caller.organisation_id)
    assert (
        client.delete(
            "/v1/constituents", params={"email": "amelie@example.org"}, headers=writer.headers
        ).status_code
        == 200
    )
    session.expire_all()
    stored = session.scalars(select(Reply)).one()
    assert (stored.body_text, stored.subject, stored.kind) == ("redacted", "redacted", "human")


def test_an_acknowledgement_by_the_smtp_listener_is_stored_not_forwarded(
    client: TestClient, caller: Caller, settings: Settings, capturing: dict[str, Received],
    sink: tuple[SinkHandler, int], session: Session, smtp_listener: int,
) -> None:  # fmt: skip
    miller = capturing[MILLER]
    reply_to = miller.message["Reply-To"].addresses[0].addr_spec
    received = len(sink[0].received)
    receipt = official_reply(
        miller,
        "Nous avons bien reçu votre courriel. / We have received your email.",
        "Auto-Submitted: auto-replied\n",
    )
    with smtplib.SMTP("127.0.0.1", smtp_listener) as connection:
        connection.sendmail(MILLER, [reply_to], receipt)
    assert len(sink[0].received) == received  # nothing forwarded
    stored = session.scalars(select(Reply)).one()
    assert (stored.kind, stored.forwarded_at) == ("acknowledgement", None)
    assert [e["data"]["id"] for e in events(session, "letter.replied")] == [stored.letter_id]
    letter_id = id_of_bounce_address(settings, miller.sender)
    assert letter(client, caller, str(letter_id))["status"] == "sent"


def test_responsiveness_counts_sent_bounced_and_answered_letters(
    client: TestClient, caller: Caller, settings: Settings, capturing: dict[str, Received],
    session: Session,
) -> None:  # fmt: skip
    miller = capturing[MILLER]
    other_to, other = next((to, item) for to, item in capturing.items() if to != MILLER)
    miller_id = id_of_bounce_address(settings, miller.sender)
    session.execute(
        update(Letter)
        .where(Letter.id == miller_id)
        .values(sent_at=utcnow() - timedelta(days=3, hours=1))
    )
    session.commit()
    campaign_id = client.get("/v1/campaigns", headers=caller.headers).json()["items"][0]["id"]
    before = client.get(f"/v1/campaigns/{campaign_id}/responsiveness", headers=caller.headers)
    assert before.status_code == 200, before.text
    assert before.json()["overall"] == {
        "letters_sent": 2, "letters_bounced": 0, "replies_captured": 0,
        "replies_reported": 0, "no_reply_reported": 0, "letters_answered": 0,
        "outcomes_known": 0, "reply_rate": None, "median_days_to_reply": None,
    }  # fmt: skip
    reply_to = miller.message["Reply-To"].addresses[0].addr_spec
    forwarded: list[Any] = []
    outcome = receive(
        session,
        settings,
        official_reply(miller, "Merci."),
        [reply_to],
        lambda *message: forwarded.append(message),
    )
    assert outcome.kind == "reply_human" and len(forwarded) == 1
    receive(session, settings, postfix_dsn(other.sender, other_to, other.raw), [other.sender])
    figures = client.get(
        f"/v1/campaigns/{campaign_id}/responsiveness", headers=caller.headers
    ).json()
    assert figures["overall"] == {
        "letters_sent": 2, "letters_bounced": 1, "replies_captured": 1,
        "replies_reported": 0, "no_reply_reported": 0, "letters_answered": 1,
        "outcomes_known": 1, "reply_rate": 1.0, "median_days_to_reply": 3.0,
    }  # fmt: skip
    by_name = {row["display_name"]: row for row in figures["recipients"]}
    assert by_name["Marc Miller"]["replies_captured"] == 1
    assert by_name["Marc Miller"]["median_days_to_reply"] == 3.0
    (bounced,) = [row for name, row in by_name.items() if name != "Marc Miller"]
    assert (bounced["letters_bounced"], bounced["replies_captured"]) == (1, 0)
    # Another organisation's key finds no such campaign.
    assert client.get("/v1/campaigns/cmp_01JDQ9X5V6W7Y8Z9A0B1C2D3E4/responsiveness",
                      headers=caller.headers).status_code == 404  # fmt: skip


def test_a_forwarded_reply_is_signed_with_the_organisations_own_key(
    client: TestClient, caller: Caller, settings: Settings,
    capturing: dict[str, Received], sink: tuple[SinkHandler, int],
) -> None:  # fmt: skip
    own = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = own.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    body = {"domain": "mail.letterdesk.localhost", "selector": "org1", "private_key": pem}
    put = client.put("/v1/organisation/dkim", json=body, headers=caller.headers)
    assert put.status_code == 200, put.text
    record = put.json()["dns_record"].encode()
    miller = capturing[MILLER]
    reply_to = miller.message["Reply-To"].addresses[0].addr_spec
    received = len(sink[0].received)
    env_smtp = {"LETTERDESK_EMAIL_BACKEND": "smtp", "LETTERDESK_SMTP_PORT": str(sink[1])}
    run_inbound(settings, official_reply(miller, "Merci.\n"), "--recipient", reply_to, env=env_smtp)
    (forward,) = sink[0].received[received:]

    def dnsfunc(name: bytes | str, timeout: int = 5) -> bytes | None:
        asked = name.decode() if isinstance(name, bytes) else name
        return record if asked == "org1._domainkey.mail.letterdesk.localhost." else None

    assert dkim.verify(forward.raw, dnsfunc=dnsfunc)
