"""Office delivery preferences: an office that takes a daily digest gets one email a day
per address with every letter due, a manifest first, through a real SMTP server and read
back with the strict parser; every letter in it is sent once, even across a worker that
died after the server took it; an office that takes print only gets its letters in a
print batch, never by email."""

import email.policy
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.campaigns.models import CampaignCounter
from app.db import utcnow
from app.delivery.digests import gather_digests, office_day
from app.delivery.email import email_backend
from app.delivery.models import Delivery, DeliveryAttempt
from app.delivery.sending import claim_due_deliveries, record_outcome, send_digest
from app.inbound.service import receive
from app.outbox.retry import RetryPolicy
from app.settings import Settings
from app.webhooks.models import WebhookEvent
from tests.campaign_data import RECIPIENTS, action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import deliver_all, make_print_batch
from tests.inbound_mail import postfix_dsn
from tests.letters.test_letters_follow_the_shuffle import ANAND, FOREIGN_AFFAIRS
from tests.smtp_sink import Received, SinkHandler
from tests.webhook_data import make_webhook

ZIAD = "ziad.aboultaif@parl.gc.ca"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The service's: letter.sent told to a webhook on loopback (never reached)."""
    return settings.model_copy(update={"webhook_allow_private_addresses": True})


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int], tmp_path: Path) -> Settings:
    # From midnight: whatever the hour the test runs at, the day's digest may go.
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "outbox_dir": tmp_path / "out",
            "digest_hour": 0,
        }
    )


def read_back(received: Received) -> EmailMessage:
    parsed = BytesParser(policy=email.policy.strict).parsebytes(received.raw)
    assert isinstance(parsed, EmailMessage)
    assert all(not header.defects for _, header in parsed.items())
    return parsed


def text_of(parsed: EmailMessage) -> str:
    body = parsed.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def prefer(client: TestClient, caller: Caller, recipient_id: str, preference: str) -> None:
    response = client.patch(
        f"/v1/recipients/{recipient_id}",
        json={"delivery_preference": preference},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["delivery_preference"] == preference


def act(client: TestClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/campaigns/rescind-stca/actions", json=action_body(**changes))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def to(action: dict[str, Any], name: str) -> dict[str, Any]:
    letters: list[dict[str, Any]] = action["letters"]
    (letter,) = [x for x in letters if x["recipient"]["display_name"] == name]
    return letter


def status_of(client: TestClient, caller: Caller, letter_id: str) -> str:
    response = client.get(f"/v1/letters/{letter_id}", headers=caller.headers)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def digest_campaign(client: TestClient, caller: Caller) -> dict[str, str]:
    """Ziad Aboultaif takes a digest: written to as the own MP of Edmonton Manning
    (T5A) and, by everyone, as a named recipient; Steven MacKinnon (Gatineau) takes
    each letter by email."""
    ids = make_directory(client, caller)
    prefer(client, caller, ids["aboultaif"], "daily_digest")
    make_campaign(
        client,
        caller,
        targets=[{"type": "own_mp"}, {"type": "recipient", "recipient_id": ids["aboultaif"]}],
    )
    return ids


GATINEAU = {
    "supporter": {
        "email": "denis@example.org",
        "first_name": "Denis",
        "city": "Gatineau",
        "province": "QC",
        "postal_code": "J8X 1A1",
    },
    "district": "Gatineau",
    "intro": "I teach in Gatineau and I care about refugees.",
}


def test_a_digest_office_gets_one_email_a_day_with_an_honest_manifest_first(
    client: TestClient,
    caller: Caller,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    digest_campaign(client, caller)
    make_webhook(client, caller, "http://127.0.0.1:9/hook", ["letter.sent"])
    first = act(client)
    second = act(
        client,
        supporter={"email": "bea@example.org", "first_name": "Béatrice"},
        intro="I am a teacher in Edmonton Manning and I see the harm every week.",
        ask="Rescind the agreement before the winter, please.",
    )
    stopped = act(client, supporter={"email": "carl@example.org", "first_name": "Carl"})
    away = act(client, **GATINEAU)
    stopped_id = to(stopped, "Ziad Aboultaif")["id"]
    response = client.post(f"/v1/letters/{stopped_id}/cancel", headers=caller.headers)
    assert response.status_code == 200, response.text

    deliver_all(client, mail_settings)

    by_address = {tuple(r.recipients): r for r in sink[0].received}
    assert sorted(by_address) == [("steven.mackinnon@parl.gc.ca",), (ZIAD,)]
    parsed = read_back(by_address[(ZIAD,)])
    in_it = [to(first, "Ziad Aboultaif"), to(second, "Ziad Aboultaif"), to(away, "Ziad Aboultaif")]
    assert str(parsed["Subject"]).startswith("Daily digest from Org ")
    assert ": 3 letters (" in str(parsed["Subject"])
    assert parsed["Content-Language"] == "en"
    (mailbox,) = parsed["To"].addresses
    assert (mailbox.display_name, mailbox.addr_spec) == ("Ziad Aboultaif", ZIAD)
    text = text_of(parsed)
    manifest, _, letters = text.partition("-" * 60)
    average = round(100 * sum(x["own_words_share"] for x in in_it) / 3)
    assert "- Letters: 3" in manifest
    # Two wrote from Edmonton Manning (T5A); the teacher from Gatineau did not. No
    # campaign here asks for confirmation, so none confirmed an address.
    assert "From constituents of Edmonton Manning: 2 " in manifest
    assert "of whom 0 confirmed their email address" in manifest
    assert (
        f"With the supporter's own words: 3 of 3 (100%); on average {average}% of a "
        "letter's message" in manifest
    )
    # The organisation's texts once, above the letters.
    assert manifest.count("The United States is not safe for everyone.") == 1
    assert manifest.count("Rescind the agreement.") == 1
    for n, letter in enumerate(in_it, 1):
        assert f"Letter {n} of 3" in letters
        assert letter["body_text"].rstrip() in letters
    for sender in ("Amélie Tremblay <amelie@example.org>", "Béatrice Tremblay <bea@example.org>"):
        assert f"From: {sender}" in letters
    assert "To answer Amélie Tremblay, write to amelie@example.org." in letters
    assert "\n-- \n" not in text  # no signature separator: a client could hide the rest
    assert "Carl" not in text  # stopped before the digest went: not in it

    for letter in in_it:
        assert status_of(client, caller, letter["id"]) == "sent"
    assert status_of(client, caller, stopped_id) == "cancelled"
    sent_events = session.scalars(
        select(WebhookEvent.body).where(WebhookEvent.type == "letter.sent")
    )
    told = sorted(json.loads(body)["data"]["id"] for body in sent_events)
    mackinnon = to(away, "Steven MacKinnon")["id"]
    assert told == sorted([*(x["id"] for x in in_it), mackinnon])

    # Later the same day: the letter waits for tomorrow's digest.
    later = act(client, supporter={"email": "dora@example.org", "first_name": "Dora"})
    deliver_all(client, mail_settings)
    assert len(sink[0].received) == 2
    waiting = to(later, "Ziad Aboultaif")["id"]
    assert status_of(client, caller, waiting) == "queued"
    tomorrow = utcnow() + timedelta(days=1)
    assert gather_digests(session, mail_settings, tomorrow).done == 1
    deliver_all(client, mail_settings)
    assert len(sink[0].received) == 3
    assert "- Letters: 1" in text_of(read_back(sink[0].received[-1]))
    assert status_of(client, caller, waiting) == "sent"


def test_a_bounced_digest_bounces_each_letter_it_carried(
    client: TestClient,
    caller: Caller,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    """The digest's return path names the digest: a permanent failure of it is a bounce
    of every letter it carried (each `bounced`, announced, and falling back as its
    campaign says), as a bounce of a letter sent alone is."""
    digest_campaign(client, caller)
    make_webhook(client, caller, "http://127.0.0.1:9/hook", ["letter.bounced"])
    first = act(client)
    second = act(client, supporter={"email": "bea@example.org", "first_name": "Béatrice"})
    deliver_all(client, mail_settings)
    digest = next(r for r in sink[0].received if r.recipients == [ZIAD])
    dsn = postfix_dsn(digest.sender, ZIAD, digest.raw)
    outcome = receive(session, mail_settings, dsn, [digest.sender])
    assert outcome.kind == "bounce"
    carried = [to(first, "Ziad Aboultaif")["id"], to(second, "Ziad Aboultaif")["id"]]
    assert [status_of(client, caller, letter_id) for letter_id in carried] == ["bounced"] * 2
    bounced = session.scalars(
        select(WebhookEvent.body).where(WebhookEvent.type == "letter.bounced")
    )
    assert sorted(json.loads(body)["data"]["id"] for body in bounced) == sorted(carried)


def test_a_digest_is_recorded_once_though_its_worker_died_after_sending_it(
    client: TestClient,
    caller: Caller,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    digest_campaign(client, caller)
    letters = [
        to(act(client, supporter={"email": f"s{n}@example.org"}), "Ziad Aboultaif")["id"]
        for n in range(3)
    ]
    assert gather_digests(session, mail_settings).done == 1
    (claimed,) = claim_due_deliveries(session, "dead-worker", 10, 60)
    assert {status_of(client, caller, x) for x in letters} == {"sending"}
    # The worker sends it, the server takes it, and the worker dies before recording.
    backend = email_backend(mail_settings)
    outcome = send_digest(session, claimed, backend, mail_settings)
    backend.close()
    assert outcome.kind == "sent" and sorted(outcome.letters) == sorted(letters)
    assert len(sink[0].received) == 1
    # Its lease runs out; the next worker takes the digest again.
    session.execute(update(Delivery).where(Delivery.id == claimed).values(leased_until=utcnow()))
    session.commit()
    deliver_all(client, mail_settings)

    first, again = (read_back(r) for r in sink[0].received)
    assert first["Message-ID"] == again["Message-ID"]  # the receiver drops the copy
    assert {status_of(client, caller, x) for x in letters} == {"sent"}
    attempts = session.scalar(select(func.count()).where(DeliveryAttempt.delivery_id == claimed))
    assert attempts == 1
    sent = session.scalar(select(func.sum(CampaignCounter.sent_count)))
    assert sent == 3
    deliver_all(client, mail_settings)
    assert len(sink[0].received) == 2


def test_a_print_only_office_is_written_to_by_post_whatever_the_campaign_says(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    ids = make_directory(client, caller)
    prefer(client, caller, ids["miller"], "print_only")
    make_campaign(client, caller)  # email only
    taken = act(client)
    to_miller = to(taken, "Marc Miller")
    assert to_miller["channel"] == "print"
    assert to(taken, "Ziad Aboultaif")["channel"] == "email"
    deliver_all(client, mail_settings)
    assert [r.recipients for r in sink[0].received] == [[ZIAD]]
    batch = make_print_batch(client, caller.headers)
    assert batch["letter_count"] == 1
    assert status_of(client, caller, to_miller["id"]) == "batched"


def test_an_office_that_leaves_the_digest_gets_its_waiting_letters_one_by_one(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    ids = digest_campaign(client, caller)
    # Before its hour (23:00 in a zone where it is not yet): the letter waits.
    zone = "UTC" if utcnow().hour != 23 else "Etc/GMT+1"
    late = mail_settings.model_copy(update={"digest_time_zone": zone, "digest_hour": 23})
    taken = act(client)
    deliver_all(client, late)
    assert sink[0].received == []
    prefer(client, caller, ids["aboultaif"], "email")
    deliver_all(client, late)
    (letter,) = sink[0].received
    assert letter.recipients == [ZIAD]
    assert "Daily digest" not in str(read_back(letter)["Subject"])
    assert status_of(client, caller, to(taken, "Ziad Aboultaif")["id"]) == "sent"


def test_a_letter_to_a_role_waiting_for_a_digest_follows_the_shuffle(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    """Checked again as it goes, as a letter by email is: the role changed hands, and the
    new holder takes each letter by email."""
    ids = make_directory(client, caller)
    prefer(client, caller, ids["joly"], "daily_digest")
    make_campaign(client, caller, targets=[{"type": "role", "role": FOREIGN_AFFAIRS}])
    (letter,) = act(client)["letters"]
    today = date.today().isoformat()
    ended = RECIPIENTS["joly"]["roles"][0] | {"end_date": today}
    response = client.patch(
        f"/v1/recipients/{ids['joly']}", json={"roles": [ended]}, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    anand = ANAND | {"roles": [{"title_en": FOREIGN_AFFAIRS, "start_date": today}]}
    assert client.post("/v1/recipients", json=anand, headers=caller.headers).status_code == 201
    deliver_all(client, mail_settings)
    (received,) = sink[0].received
    assert received.recipients == ["anita.anand@parl.gc.ca"]
    assert "Daily digest" not in str(read_back(received)["Subject"])
    assert status_of(client, caller, letter["id"]) == "sent"


def test_a_french_speaking_office_gets_its_digest_in_french(
    client: TestClient,
    caller: Caller,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    ids = make_directory(client, caller)
    response = client.patch(
        f"/v1/recipients/{ids['joly']}",
        json={"delivery_preference": "daily_digest", "language": "fr"},
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text
    make_campaign(client, caller, targets=[{"type": "role", "role": FOREIGN_AFFAIRS}])
    (letter,) = act(client, language="fr")["letters"]
    deliver_all(client, mail_settings)
    (received,) = sink[0].received
    parsed = read_back(received)
    assert str(parsed["Subject"]).startswith("Envoi quotidien de Org ")
    assert parsed["Content-Language"] == "fr"
    text = text_of(parsed)
    assert "- Lettres : 1" in text
    assert "De personnes de la circonscription Ahuntsic-Cartierville : 0 " in text
    assert "Les États-Unis ne sont pas sûrs pour tous." in text
    assert letter["body_text"].rstrip() in text


def _worker(database_url: str, settings: Settings) -> "subprocess.Popen[bytes]":
    """`letterdesk worker` in a process of its own, as it is run, that a test can kill."""
    env = os.environ | {
        "LETTERDESK_DATABASE_URL": database_url,
        "LETTERDESK_EMAIL_BACKEND": "smtp",
        "LETTERDESK_SMTP_PORT": str(settings.smtp_port),
        "LETTERDESK_SECRET_KEY": "test-secret",
        "LETTERDESK_WORKER_LEASE_SECONDS": "3600",
        "LETTERDESK_WORKER_POLL_SECONDS": "0.1",
        "LETTERDESK_DIGEST_HOUR": "0",
    }
    command = [str(Path(sys.executable).parent / "letterdesk"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_killed_while_sending_its_digest_leaves_it_to_the_next_sent_once(
    client: TestClient,
    caller: Caller,
    session: Session,
    database_url: str,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    """A real worker is killed (-9) while the server holds its digest (the server drops
    it with the connection); the next worker on the host frees its lease at once, takes
    the digest and its letters again, sends it, and records every letter sent once.
    (A worker that dies after the server took the digest: the test above.)"""
    handler, _ = sink
    handler.script = ["hold"]
    digest_campaign(client, caller)
    letters = [
        to(act(client, supporter={"email": f"s{n}@example.org"}), "Ziad Aboultaif")["id"]
        for n in range(3)
    ]
    first = _worker(database_url, mail_settings)
    try:
        assert _wait_for(lambda: len(handler.offered) == 1, 60)
        assert {status_of(client, caller, x) for x in letters} == {"sending"}
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    handler.released.set()
    second = _worker(database_url, mail_settings)
    try:
        assert _wait_for(lambda: {status_of(client, caller, x) for x in letters} == {"sent"}, 60)
    finally:
        second.terminate()
        second.wait(10)
    assert len(handler.offered) == 2 and len(set(handler.offered)) == 1  # one Message-ID
    (received,) = handler.received
    assert "- Letters: 3" in text_of(read_back(received))
    attempts = session.scalar(
        select(func.count())
        .select_from(DeliveryAttempt)
        .join(Delivery, Delivery.id == DeliveryAttempt.delivery_id)
        .where(Delivery.channel == "daily_digest")
    )
    assert attempts == 1
    assert session.scalar(select(func.sum(CampaignCounter.sent_count))) == 3


def test_a_supporter_erased_after_the_digest_was_claimed_is_not_in_it(
    client: TestClient,
    caller: Caller,
    session: Session,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    digest_campaign(client, caller)
    kept, erased = (
        to(act(client, supporter={"email": f"{name}@example.org"}), "Ziad Aboultaif")["id"]
        for name in ("kept", "gone")
    )
    assert gather_digests(session, mail_settings).done == 1
    (claimed,) = claim_due_deliveries(session, "w1", 10, 60)
    response = client.delete("/v1/constituents?email=gone@example.org", headers=caller.headers)
    assert response.status_code in (200, 204), response.text
    backend = email_backend(mail_settings)
    outcome = send_digest(session, claimed, backend, mail_settings)
    backend.close()
    assert outcome.letters == (kept,)
    assert record_outcome(session, claimed, "w1", utcnow(), outcome, RetryPolicy.of(mail_settings))
    (received,) = sink[0].received
    text = text_of(read_back(received))
    assert "- Letters: 1" in text and "gone@example.org" not in text
    assert status_of(client, caller, kept) == "sent"
    assert status_of(client, caller, erased) == "failed"


def test_the_digest_hour_is_the_offices_own_or_the_zone_named(settings: Settings) -> None:
    at_eight = settings.model_copy(update={"digest_hour": 8})
    # 14:30 UTC on 30 November is 07:30 in Edmonton (UTC-7) and 09:30 in Ottawa (UTC-5).
    now = datetime(2026, 11, 30, 14, 30, tzinfo=UTC)
    assert office_day(at_eight, "AB", now) is None
    assert office_day(at_eight, "AB", now + timedelta(minutes=30)) == date(2026, 11, 30)
    assert office_day(at_eight, "ON", now) == date(2026, 11, 30)
    assert office_day(at_eight, None, now) == date(2026, 11, 30)  # Ottawa's
    # 01:00 UTC on 1 December is still 30 November in Vancouver, before its hour.
    late = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert office_day(at_eight, "BC", late) == date(2026, 11, 30)
    in_utc = at_eight.model_copy(update={"digest_time_zone": "UTC"})
    assert office_day(in_utc, "AB", now) == date(2026, 11, 30)
    with pytest.raises(ValidationError, match="digest_time_zone"):
        Settings(digest_time_zone="Mars/Base", _env_file=None)
