"""Letters leave by email: a real SMTP server on loopback receives them, and the tests
read what arrived."""

import email
import email.policy
import html
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.campaigns.rendering import html_of
from app.db import utcnow
from app.delivery.email import FileBackend, SMTPBackend, email_backend
from app.delivery.models import Delivery
from app.letters.models import Action, Letter
from app.outbox.models import WorkerRow
from app.settings import Settings
from app.worker import Worker
from bench.queued_letters import queue_letters
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.smtp_sink import Login, SinkHandler, self_signed_certificate, smtp_sink


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int], tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "secret_key": "test-secret",
            "delivery_backoff_seconds": 0.0,
            "delivery_max_attempts": 3,
            "worker_poll_seconds": 0.05,
            "outbox_dir": tmp_path / "outbox",
        }
    )


def letter(client: TestClient, caller: Caller, letter_id: str) -> dict[str, Any]:
    return client.get(f"/v1/letters/{letter_id}", headers=caller.headers).json()  # type: ignore[no-any-return]


@pytest.fixture
def taken(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    make_campaign(client, caller)
    body = action_body(language="fr", intro="Je suis infirmière et j'écris d'Edmonton — « merci ».")
    response = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert response.status_code == 201
    return response.json()  # type: ignore[no-any-return]


def test_a_letter_arrives_as_the_official_reads_it(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    worker = deliver_all(client, mail_settings)
    assert worker.sent == 2
    by_to = {item.recipients[0]: item for item in handler.received}
    miller = by_to["marc.miller@parl.gc.ca"]
    message: EmailMessage = miller.message
    organisation = client.get("/v1/organisation", headers=caller.headers).json()["name"]
    assert str(message["From"]) == (
        f"Amélie Tremblay par l'intermédiaire d'{organisation} <letters@letterdesk.localhost>"
    )
    assert str(message["Reply-To"]) == "Amélie Tremblay <amelie@example.org>"
    assert str(message["To"]) == "Marc Miller <marc.miller@parl.gc.ca>"
    assert str(message["Subject"]) == "Annuler l'ETPS"
    assert message["Date"] is not None
    assert miller.sender.startswith("bounces+") and miller.sender.endswith("@letterdesk.localhost")
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    sent_letter = next(
        item for item in taken["letters"] if item["recipient"]["display_name"] == "Marc Miller"
    )
    body, footer = text.split("\n-- \n")
    assert body == sent_letter["body_text"].rstrip() + "\n"
    assert " ".join(footer.split()) == (
        f"Amélie Tremblay a demandé à {organisation} d'envoyer cette lettre en son nom ; une "
        "réponse lui parvient directement. Son adresse courriel n'a pas été confirmée."
    )
    assert message["Content-Language"] == "fr"
    assert "j'écris d'Edmonton — « merci »" in text
    assert "j&#39;écris d&#39;Edmonton — « merci »" in html
    message_id = str(message["Message-ID"])
    assert sent_letter["id"] not in message_id and "ltr_" not in message_id
    detail = letter(client, caller, sent_letter["id"])
    assert detail["status"] == "sent" and detail["sent_at"] is not None
    assert client.get("/v1/campaigns/rescind-stca/stats").json()["letters_sent"] == 2
    assert [a["outcome"] for a in detail["attempts"]] == ["sent"]


def test_a_letters_html_part_is_its_text_escaped(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    """The email's HTML part is the letter's text as HTML (made when the letter is sent),
    then the footer: what the supporter typed as markup arrives as text."""
    make_directory(client, caller)
    make_campaign(client, caller)
    intro = "Je suis infirmière & j'écris <script>alert(1)</script> d'Edmonton."
    body = action_body(language="fr", intro=intro)
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert taken.status_code == 201, taken.text
    handler, _ = sink
    deliver_all(client, mail_settings)
    by_to = {item.recipients[0]: item.message for item in handler.received}
    for written in taken.json()["letters"]:
        shown = letter(client, caller, written["id"])
        message = by_to[shown["recipient"]["email"]]
        html_part = message.get_body(("html",))
        assert html_part is not None
        part = html_part.get_content().replace("\r\n", "\n")
        made = html_of(shown["body_text"], "fr", shown["subject"])
        assert shown["body_html"] == made and part.startswith(made + "\n<hr>\n"), part
        assert "<script>" not in part and "&amp; j&#39;écris &lt;script&gt;" in part


def test_a_letter_offered_again_keeps_its_message_id(
    client: TestClient,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    handler.script = ["451 later", "451 later"]
    deliver_all(client, mail_settings)
    assert len(handler.offered) == 4 and len(set(handler.offered)) == 2
    assert sorted(handler.offered) == sorted(handler.message_ids() * 2)


def test_a_temporary_refusal_is_retried(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    handler.script = ["451 4.7.1 Try again later"]
    deliver_all(client, mail_settings)
    outcomes = sorted(
        [a["outcome"] for a in letter(client, caller, item["id"])["attempts"]]
        for item in taken["letters"]
    )
    assert outcomes == [["retry", "sent"], ["sent"]]
    retried = next(
        letter(client, caller, item["id"])
        for item in taken["letters"]
        if len(letter(client, caller, item["id"])["attempts"]) == 2
    )
    assert retried["attempts"][0]["error"] == "451 4.7.1 Try again later"
    assert len(handler.received) == 2


def test_a_permanent_refusal_fails_the_letter_with_the_servers_reply(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    handler.script = ["550 5.1.1 No such mailbox", "550 5.1.1 No such mailbox"]
    deliver_all(client, mail_settings)
    for item in taken["letters"]:
        detail = letter(client, caller, item["id"])
        assert detail["status"] == "failed"
        assert detail["failed_reason"] == "550 5.1.1 No such mailbox"
        assert [a["outcome"] for a in detail["attempts"]] == ["failed"]
    failed = client.get("/v1/letters", params={"status": "failed"}, headers=caller.headers)
    assert len(failed.json()["items"]) == 2


def test_a_dropped_connection_is_retried(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    handler.script = ["drop"]
    deliver_all(client, mail_settings)
    statuses = {letter(client, caller, item["id"])["status"] for item in taken["letters"]}
    assert statuses == {"sent"}
    assert len(handler.received) == 2


def test_the_last_attempt_leaves_the_letter_failed(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    handler.script = ["451 busy"] * 6
    deliver_all(client, mail_settings)
    for item in taken["letters"]:
        detail = letter(client, caller, item["id"])
        assert detail["status"] == "failed" and detail["failed_reason"] == "451 busy"
        assert [a["outcome"] for a in detail["attempts"]] == ["retry", "retry", "failed"]


def test_test_mode_sends_every_letter_to_one_address(
    client: TestClient,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    deliver_all(client, mail_settings.model_copy(update={"email_test_recipient": "qa@example.org"}))
    assert {item.recipients[0] for item in handler.received} == {"qa@example.org"}


def test_the_supporter_gets_a_copy_where_the_campaign_says_so(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    handler, _ = sink
    make_directory(client, caller)
    make_campaign(client, caller, copy_to_supporter=True)
    client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    deliver_all(client, mail_settings)
    copies = [item for item in handler.received if item.recipients == ["amelie@example.org"]]
    assert len(copies) == 2
    assert "Here is the letter you sent to" in copies[0].message.get_content()


def test_the_file_backend_writes_each_letter_once_as_an_eml(
    client: TestClient, taken: dict[str, Any], mail_settings: Settings, tmp_path: Path
) -> None:
    file_settings = mail_settings.model_copy(update={"email_backend": "file"})
    deliver_all(client, file_settings)
    # Sent again (as after a crash between the write and our commit): still one file each.
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as session:
        session.execute(update(Letter).values(status="queued"))
        session.execute(update(Delivery).values(due_at=utcnow()))
        session.commit()
    deliver_all(client, file_settings)
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    messages = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files
    ]
    assert {str(message["Subject"]) for message in messages} == {"Annuler l'ETPS"}
    assert isinstance(email_backend(file_settings), FileBackend)
    assert isinstance(email_backend(mail_settings), SMTPBackend)


def test_a_queued_letter_can_be_cancelled_and_a_sent_one_cannot(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    first, second = (item["id"] for item in taken["letters"])
    cancelled = client.post(f"/v1/letters/{first}/cancel", headers=caller.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    deliver_all(client, mail_settings)
    assert len(handler.received) == 1
    again = client.post(f"/v1/letters/{second}/cancel", headers=caller.headers)
    problem = again.json()
    assert again.status_code == problem["status"] == 409 and problem["letter_status"] == "sent"


def test_letters_are_listed_by_campaign_status_channel_and_recipient(
    client: TestClient, caller: Caller, taken: dict[str, Any], make_caller: MakeCaller
) -> None:
    listed = client.get(
        "/v1/letters", params={"status": "queued", "channel": "email"}, headers=caller.headers
    )
    assert {item["id"] for item in listed.json()["items"]} == {
        item["id"] for item in taken["letters"]
    }
    recipient_id = taken["letters"][0]["recipient"]["id"]
    by_recipient = client.get(
        "/v1/letters", params={"recipient_id": recipient_id}, headers=caller.headers
    )
    assert [item["id"] for item in by_recipient.json()["items"]] == [taken["letters"][0]["id"]]
    campaign_id = client.get("/v1/campaigns", headers=caller.headers).json()["items"][0]["id"]
    other_campaign = make_campaign(client, caller, slug="another-campaign")
    by_campaign = client.get(
        "/v1/letters", params={"campaign_id": campaign_id}, headers=caller.headers
    )
    assert len(by_campaign.json()["items"]) == 2
    none_yet = client.get(
        "/v1/letters", params={"campaign_id": other_campaign["id"]}, headers=caller.headers
    )
    assert none_yet.json()["items"] == []
    assert (
        client.get("/v1/letters", params={"status": "sent"}, headers=caller.headers).json()["items"]
        == []
    )
    other = make_caller()
    assert client.get("/v1/letters", headers=other.headers).json()["items"] == []
    assert (
        client.get(f"/v1/letters/{taken['letters'][0]['id']}", headers=other.headers).status_code
        == 404
    )
    assert (
        client.post(
            f"/v1/letters/{taken['letters'][0]['id']}/cancel", headers=other.headers
        ).status_code
        == 404
    )


def test_four_workers_deliver_each_letter_exactly_once(
    client: TestClient,
    caller: Caller,
    database_url: str,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several workers share one database on PostgreSQL; SQLite runs one worker")
    handler, _ = sink
    sessions = queued_for_workers(client, caller, 2000)
    settings = mail_settings.model_copy(update={"worker_batch_size": 25})
    workers = [Worker(sessions, email_backend(settings), settings, name=f"w{n}") for n in range(4)]
    threads = [
        threading.Thread(target=w.run, kwargs={"until": lambda w=w: w.idle}) for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    ids = handler.message_ids()
    assert len(ids) == 2000 and len(set(ids)) == 2000
    assert sum(w.sent for w in workers) == 2000
    assert all(w.sent > 0 for w in workers)
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Letter.status == "sent")) == 2000


def queued_for_workers(client: TestClient, caller: Caller, count: int) -> sessionmaker[Session]:
    """`count` queued letters for workers to deliver; answers the sessions to watch them."""
    campaign = make_campaign(client, caller, targets=[{"type": "own_mp"}])
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as session:
        queue_letters(session, caller.organisation_id, campaign["id"], count)
    return sessions


def _worker_process(
    database_url: str, settings: Settings, lease_seconds: float = 3
) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "LETTERDESK_DATABASE_URL": database_url,
        "LETTERDESK_EMAIL_BACKEND": "smtp",
        "LETTERDESK_SMTP_PORT": str(settings.smtp_port),
        "LETTERDESK_SECRET_KEY": "test-secret",
        "LETTERDESK_WORKER_LEASE_SECONDS": str(lease_seconds),
        "LETTERDESK_WORKER_POLL_SECONDS": "0.1",
        "LETTERDESK_WORKER_BATCH_SIZE": "20",
    }
    command = [str(Path(sys.executable).parent / "letterdesk"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_killed_midway_loses_no_letter(
    client: TestClient,
    caller: Caller,
    database_url: str,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    sessions = queued_for_workers(client, caller, 1000)

    def sent() -> int:
        with sessions() as session:
            return session.scalar(select(func.count()).where(Letter.status == "sent")) or 0

    first = _worker_process(database_url, mail_settings)
    try:
        assert _wait_for(lambda: len(handler.received) >= 300, 60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        second = _worker_process(database_url, mail_settings)
        try:
            assert _wait_for(lambda: sent() == 1000, 120), f"only {sent()} of 1000 sent"
        finally:
            second.terminate()
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    ids = handler.message_ids()
    duplicates = len(ids) - len(set(ids))
    print(f"\nkill -9 midway: 1000 letters sent, {duplicates} received twice")
    assert len(set(ids)) == 1000
    # What a worker has claimed and not yet recorded is at most a batch (20 here): its
    # outcomes are recorded a batch at a time, and those are all a kill can send twice.
    assert duplicates <= 20


def test_sigterm_finishes_or_gives_back_what_the_worker_holds(
    client: TestClient,
    caller: Caller,
    database_url: str,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    sessions = queued_for_workers(client, caller, 400)
    worker = _worker_process(database_url, mail_settings)
    try:
        assert _wait_for(lambda: len(handler.received) >= 50, 60)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    with sessions() as session:
        held = session.scalar(select(func.count()).where(Delivery.leased_by.is_not(None)))
        sending = session.scalar(select(func.count()).where(Letter.status == "sending"))
        sent = session.scalar(select(func.count()).where(Letter.status == "sent"))
    assert (held, sending) == (0, 0)
    assert sent == len(set(handler.message_ids()))


@pytest.fixture
def waiting(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=True)
    response = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert {letter["status"] for letter in response.json()["letters"]} == {"pending_confirmation"}
    return response.json()  # type: ignore[no-any-return]


def _link_in(message: EmailMessage) -> str:
    line: str = next(
        line for line in message.get_content().splitlines() if "/confirm?token=" in line
    )
    return line.strip().removeprefix("http://127.0.0.1:8000")


def test_letters_wait_for_the_supporter_to_follow_the_link(
    client: TestClient,
    caller: Caller,
    waiting: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    deliver_all(client, mail_settings)
    (confirmation,) = handler.received
    assert confirmation.recipients == ["amelie@example.org"]
    assert str(confirmation.message["Subject"]) == "Please confirm your email address"
    assert "Your 2 letters will be sent" in confirmation.message.get_content()
    link = _link_in(confirmation.message)
    assert link.startswith(f"/actions/{waiting['id']}/confirm?token=")
    # Following the link (as a mail scanner does) shows a page and confirms nothing.
    asked = client.get(link)
    assert asked.status_code == 200 and asked.headers["content-type"].startswith("text/html")
    assert "Yes, send my letters" in asked.text
    assert {letter(client, caller, item["id"])["status"] for item in waiting["letters"]} == {
        "pending_confirmation"
    }
    token = link.partition("token=")[2]
    first = client.post(f"/actions/{waiting['id']}/confirm", data={"token": token})
    assert first.status_code == 200 and "your letters are on their way" in first.text
    assert "Letters by email are sent within minutes." in first.text
    again = client.post(f"/actions/{waiting['id']}/confirm", data={"token": token})
    assert again.status_code == 200 and "You had already confirmed" in again.text
    assert "You had already confirmed" in client.get(link).text
    deliver_all(client, mail_settings)
    assert len(handler.received) == 3
    assert {letter(client, caller, item["id"])["status"] for item in waiting["letters"]} == {"sent"}


def test_api_clients_confirm_with_the_token_of_the_link(
    client: TestClient,
    caller: Caller,
    waiting: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    deliver_all(client, mail_settings)
    token = _link_in(handler.received[0].message).partition("token=")[2]
    api = f"/v1/actions/{waiting['id']}/confirm?token={token}"
    first = client.get(api)
    assert first.status_code == 200 and first.json() == {"status": "confirmed", "letters_queued": 2}
    assert client.get(api).json()["letters_queued"] == 0


def test_a_link_we_did_not_send_is_404(client: TestClient, waiting: dict[str, Any]) -> None:
    assert client.get(f"/v1/actions/{waiting['id']}/confirm?token=forged").status_code == 404
    assert client.get("/v1/actions/act_nope/confirm?token=x").status_code == 404


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "This confirmation link is not one we sent"), ("fr", "n'est pas l'un des nôtres")],
)
def test_a_link_we_did_not_send_is_a_page_in_the_browsers_language(
    client: TestClient, waiting: dict[str, Any], language: str, words: str
) -> None:
    headers = {"Accept-Language": language}
    for page in (
        client.get(f"/actions/{waiting['id']}/confirm?token=forged", headers=headers),
        client.get("/actions/act_nope/confirm?token=x", headers=headers),
        client.post(f"/actions/{waiting['id']}/confirm", data={"token": "x"}, headers=headers),
    ):
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert words in html.unescape(page.text) and f'<html lang="{language}">' in page.text


def test_letters_not_confirmed_in_time_expire(
    client: TestClient,
    caller: Caller,
    waiting: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    deliver_all(client, mail_settings)
    link = _link_in(handler.received[0].message)
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    long_ago = utcnow() - timedelta(days=8)
    with sessions() as session:
        session.execute(update(Letter).values(created_at=long_ago))
        session.execute(update(Action).values(created_at=long_ago))
        session.commit()
    deliver_all(client, mail_settings)
    assert {letter(client, caller, item["id"])["status"] for item in waiting["letters"]} == {
        "expired"
    }
    response = client.get(link)
    assert (
        response.status_code == 410 and "has expired: your letters were not sent" in response.text
    )
    token = link.partition("token=")[2]
    pressed = client.post(link.partition("?")[0], data={"token": token})
    assert pressed.status_code == 410 and "has expired" in pressed.text
    api = client.get(link.replace("/actions/", "/v1/actions/"))
    assert api.status_code == 410 and api.headers["content-type"] == "application/problem+json"
    assert len(handler.received) == 1


def starttls(settings: Settings, port: int, certificate: Path, **more: Any) -> Settings:
    """Settings for a sink that requires STARTTLS, trusting its certificate."""
    return settings.model_copy(
        update={
            "smtp_port": port,
            "smtp_security": "starttls",
            "smtp_ca_file": str(certificate),
            **more,
        }
    )


def test_smtp_with_starttls_and_a_login(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    tmp_path: Path,
) -> None:
    certificate = self_signed_certificate(tmp_path)
    with smtp_sink(certificate, Login(b"letterdesk", b"s3cret")) as (handler, port):
        login = {"smtp_username": "letterdesk", "smtp_password": "s3cret"}
        deliver_all(client, starttls(mail_settings, port, certificate[0], **login))
        assert len(handler.received) == 2
    assert all(item.over_tls and item.authenticated for item in handler.received)


def test_an_unknown_certificate_is_not_trusted(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    tmp_path: Path,
) -> None:
    certificate = self_signed_certificate(tmp_path)
    with smtp_sink(certificate) as (handler, port):
        untrusting = mail_settings.model_copy(
            update={"smtp_port": port, "smtp_security": "starttls", "delivery_max_attempts": 1}
        )
        worker = deliver_all(client, untrusting)
        assert handler.received == []
    # The relay cannot be reached safely: the worker's problem (paused, said), and the
    # letters keep their attempts for when it is mended.
    assert "CERTIFICATE_VERIFY_FAILED" in (worker.email.relay.error or "")
    queued = client.get("/v1/letters", params={"status": "queued"}, headers=caller.headers)
    assert len(queued.json()["items"]) == 2
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with sessions() as session:
        assert session.scalars(select(Delivery.attempts)).all() == [0, 0]


def test_a_lease_that_ran_out_is_not_sent_on(
    client: TestClient,
    taken: dict[str, Any],
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    handler, _ = sink
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    from app.delivery.sending import claim_due_deliveries

    with sessions() as session:
        claimed = claim_due_deliveries(session, "slow-worker", 10, lease_seconds=0.0)
    assert len(claimed) == 2
    late = Worker(sessions, email_backend(mail_settings), mail_settings, name="slow-worker")
    assert late.email.deliver(claimed[0]) is False
    assert handler.received == []


def test_a_supporter_address_beyond_ascii_is_written_as_it_is(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    handler, _ = sink
    make_directory(client, caller)
    make_campaign(client, caller)
    body = action_body(supporter={"email": "amélie@exemple.org"})
    assert client.post("/v1/campaigns/rescind-stca/actions", json=body).status_code == 201
    deliver_all(client, mail_settings)
    listed = client.get("/v1/letters", headers=caller.headers).json()["items"]
    assert len(handler.received) == 2, [item["failed_reason"] for item in listed]
    assert str(handler.received[0].message["Reply-To"]) == "Amélie Tremblay <amélie@exemple.org>"


def test_a_refused_login_is_our_fault_and_retried_not_the_letters(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    tmp_path: Path,
) -> None:
    certificate = self_signed_certificate(tmp_path)
    with smtp_sink(certificate, Login(b"letterdesk", b"s3cret")) as (_, port):
        deliver_all(client, starttls(mail_settings, port, certificate[0], delivery_max_attempts=2))
    detail = letter(client, caller, taken["letters"][0]["id"])
    assert [a["outcome"] for a in detail["attempts"]] == ["retry", "failed"]
    assert "530" in (detail["attempts"][0]["error"] or "")


def test_odd_filters_and_tokens_answer_plainly(
    client: TestClient, caller: Caller, taken: dict[str, Any]
) -> None:
    for params in ({"campaign_id": "\x00"}, {"recipient_id": "x\x00"}):
        response = client.get("/v1/letters", params=params, headers=caller.headers)
        assert response.status_code == 200 and response.json()["items"] == []
    assert (
        client.get(f"/v1/actions/{taken['id']}/confirm", params={"token": "é"}).status_code == 404
    )


def _closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_relay_pauses_email_and_spends_no_attempt(
    client: TestClient,
    caller: Caller,
    taken: dict[str, Any],
    mail_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A relay that refuses connections is the worker's problem, not the letters': they
    stay queued with no attempt spent, the lane pauses, and it says so (log, /metrics);
    once the relay answers again, they go."""
    down = mail_settings.model_copy(update={"smtp_port": _closed_port()})
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(down), down)
    with caplog.at_level("ERROR", logger="letterdesk.worker"):
        for _ in range(3):  # polls while paused claim nothing
            worker.run(until=lambda: True)
    letter_ids = [item["id"] for item in taken["letters"]]
    for letter_id in letter_ids:
        seen = letter(client, caller, letter_id)
        assert seen["status"] == "queued"
        assert seen["attempts"] == []
    with sessions() as session:
        assert session.scalars(select(Delivery.attempts)).all() == [0, 0]
    assert worker.email.relay.down_since is not None
    assert any("cannot reach the mail relay" in r.getMessage() for r in caplog.records)
    metrics = client.get("/metrics").text
    assert 'letterdesk_workers{state="relay_unreachable"} 1.0' in metrics
    worker.email.backend = email_backend(mail_settings)  # the relay is back
    worker.email.relay.pause_until = 0.0
    worker.run(until=lambda: worker.idle)
    assert worker.sent == 2
    assert worker.email.relay.down_since is None
    assert 'letterdesk_workers{state="relay_unreachable"}' not in client.get("/metrics").text


def test_a_slow_message_holds_up_no_other_sender(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    """Each sender takes its next letter when it is free: while one message is held by
    the server, the other connection sends every other letter (no batch waits for its
    slowest)."""
    handler, _ = sink
    handler.script = ["hold"]
    sessions = queued_for_workers(client, caller, 8)
    settings = mail_settings.model_copy(update={"smtp_connections": 2, "smtp_timeout_seconds": 300})
    worker = Worker(sessions, email_backend(settings), settings)
    thread = threading.Thread(target=worker.run, kwargs={"until": lambda: worker.idle})
    thread.start()
    try:
        others_sent = _wait_for(lambda: len(handler.received) >= 7, 60)
        while_held = len(handler.received)
    finally:
        handler.released.set()
        thread.join(timeout=60)
    assert others_sent, f"only {while_held} of the other 7 went while one was held"
    assert len(handler.received) == 8


def test_a_worker_started_after_one_was_killed_frees_its_leases_at_once(
    client: TestClient,
    caller: Caller,
    database_url: str,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    """A worker killed (-9) while its letters were in the server's hands leaves leases;
    the next worker on the host sees it is gone and takes them up at once, not after
    the lease (an hour here) runs out."""
    handler, _ = sink
    handler.script = ["hold"] * 4  # the first worker's four senders each hold one
    sessions = queued_for_workers(client, caller, 20)

    def sent() -> int:
        with sessions() as session:
            return session.scalar(select(func.count()).where(Letter.status == "sent")) or 0

    def leased() -> int:
        with sessions() as session:
            return session.scalar(select(func.count()).where(Delivery.leased_by.is_not(None))) or 0

    first = _worker_process(database_url, mail_settings, lease_seconds=3600)
    try:
        assert _wait_for(lambda: leased() >= 4, 60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        handler.released.set()
        second = _worker_process(database_url, mail_settings, lease_seconds=3600)
        try:
            assert _wait_for(lambda: sent() == 20, 90), f"only {sent()} of 20 sent"
        finally:
            second.terminate()
            second.wait(10)
    finally:
        if first.poll() is None:
            first.kill()


def test_a_worker_says_it_is_alive_at_its_first_poll(
    client: TestClient, mail_settings: Settings
) -> None:
    """However long its lease, and however recently the machine booted (the monotonic
    clock starts near 0 then): a worker that never said so could not be told dead once
    killed, and its leases would be waited out."""
    settings = mail_settings.model_copy(update={"worker_lease_seconds": 1e9})
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(settings), settings, name="fresh-worker")
    worker.run_once()
    with sessions() as session:
        assert session.scalars(select(WorkerRow.name)).all() == ["fresh-worker"]


def test_letters_claimed_but_not_read_are_given_back_at_once(
    client: TestClient, caller: Caller, mail_settings: Settings, sink: tuple[SinkHandler, int]
) -> None:
    """The database fails as the worker reads the letters it just claimed (the one
    statement that reads a claim's letters): they are given back, due again and untried,
    not left leased to a worker that will never send them."""
    handler, _ = sink
    sessions = queued_for_workers(client, caller, 3)
    engine = sessions.kw["bind"]
    failed: list[str] = []

    def fail_the_read_once(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not failed and "copy_to_supporter" in statement and "FROM deliveries JOIN" in statement:
            failed.append(statement)
            raise OperationalError(statement, {}, Exception("the database went away"))

    event.listen(engine, "before_cursor_execute", fail_the_read_once)
    try:
        worker = Worker(sessions, email_backend(mail_settings), mail_settings)
        with pytest.raises(OperationalError):
            worker.run_once()
        with sessions() as session:
            assert session.scalars(select(Delivery.leased_by)).all() == [None] * 3
            assert set(session.scalars(select(Letter.status))) == {"queued"}
        worker.run(until=lambda: worker.idle)
    finally:
        event.remove(engine, "before_cursor_execute", fail_the_read_once)
    assert failed and len(handler.received) == 3
    with sessions() as session:
        assert session.scalars(select(Delivery.attempts)).all() == [1, 1, 1]


def test_an_outcome_whose_record_fails_is_recorded_again_not_sent_again(
    client: TestClient,
    caller: Caller,
    database_url: str,
    mail_settings: Settings,
    sink: tuple[SinkHandler, int],
) -> None:
    """The database drops the worker's connection just as it records a letter sent:
    the record is made again on a fresh connection, and the letter is not sent twice
    (it used to wait out its lease and go again)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL: a server backend is terminated")
    handler, _ = sink
    sessions = queued_for_workers(client, caller, 1)
    engine = sessions.kw["bind"]
    killed: list[int] = []

    def drop_the_connection_once(connection: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not killed and "attempts=(deliveries.attempts +" in statement:
            pid = connection.connection.dbapi_connection.info.backend_pid
            killed.append(pid)
            with engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", drop_the_connection_once)
    try:
        worker = Worker(sessions, email_backend(mail_settings), mail_settings)
        worker.run(until=lambda: worker.idle)
    finally:
        event.remove(engine, "before_cursor_execute", drop_the_connection_once)
    assert killed
    assert len(handler.received) == 1
    with sessions() as session:
        assert session.scalars(select(Letter.status)).all() == ["sent"]
        assert session.scalars(select(Delivery.attempts)).all() == [1]
