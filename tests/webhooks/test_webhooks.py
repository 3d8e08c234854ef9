"""Webhooks: a real HTTP receiver on loopback gets signed POSTs from the worker, for
events made by really doing things (an action, a letter sent or refused, a print batch)."""

import json
import re
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.auth.scopes import Scope
from app.campaigns.service import live_campaign
from app.db import utcnow
from app.delivery.email import email_backend
from app.letters import service as letters_service
from app.letters.schemas import ActionCreate
from app.settings import Settings
from app.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent
from app.webhooks.service import purge_old_events
from app.webhooks.signing import signature_header
from app.worker import Worker
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import deliver_all
from tests.http_receiver import Receiver, http_receiver
from tests.smtp_sink import SinkHandler, self_signed_certificate
from tests.webhook_data import bodies, deliveries, make_webhook, readme_verify, take_action


def test_a_webhook_shows_its_secret_once(client: TestClient, caller: Caller) -> None:
    made = make_webhook(client, caller, "https://8.8.8.8/hook", ["letter.sent", "letter.sent"])
    assert made["secret"].startswith("whsec_") and len(made["secret"]) > 40
    assert made["events"] == ["letter.sent"] and made["description"] == "our CRM"
    shown = client.get(f"/v1/webhooks/{made['id']}", headers=caller.headers).json()
    assert "secret" not in shown and shown["url"] == "https://8.8.8.8/hook"
    listed = client.get("/v1/webhooks", headers=caller.headers).json()
    assert [item["id"] for item in listed["items"]] == [made["id"]]
    assert listed["has_more"] is False
    assert "secret" not in listed["items"][0]


def test_webhooks_are_listed_a_page_at_a_time(client: TestClient, caller: Caller) -> None:
    made = [make_webhook(client, caller, f"https://8.8.8.8/{n}")["id"] for n in range(3)]
    first = client.get("/v1/webhooks", params={"limit": 2}, headers=caller.headers).json()
    second = client.get(
        "/v1/webhooks", params={"limit": 2, "cursor": first["next_cursor"]}, headers=caller.headers
    ).json()
    assert [w["id"] for w in first["items"] + second["items"]] == made
    assert first["has_more"] and not second["has_more"]


def test_an_unknown_event_is_refused_naming_it(client: TestClient, caller: Caller) -> None:
    response = client.post(
        "/v1/webhooks",
        json={"url": "https://8.8.8.8/", "events": ["letter.opened"]},
        headers=caller.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "events.0"


def test_webhooks_need_their_scopes(client: TestClient, make_caller: MakeCaller) -> None:
    owner = make_caller([Scope.WEBHOOKS_WRITE])
    made = make_webhook(client, owner, "https://8.8.8.8/hook", ["letter.sent"])
    reader = make_caller([Scope.WEBHOOKS_READ], organisation_id=owner.organisation_id)
    letters = make_caller([Scope.LETTERS_WRITE], organisation_id=owner.organisation_id)
    assert client.get("/v1/webhooks", headers=reader.headers).status_code == 200
    assert client.get(f"/v1/webhooks/{made['id']}/deliveries", headers=reader.headers).is_success
    for method, path in (
        ("POST", "/v1/webhooks"),
        ("DELETE", f"/v1/webhooks/{made['id']}"),
        ("POST", f"/v1/webhooks/{made['id']}/rotate-secret"),
    ):
        response = client.request(
            method, path, json={"url": "https://8.8.8.8/", "events": ["letter.sent"]},
            headers=reader.headers,
        )  # fmt: skip
        assert response.status_code == 403, path
        assert response.json()["required_scope"] == "webhooks:write"
    response = client.get("/v1/webhooks", headers=letters.headers)
    assert response.status_code == 403 and response.json()["required_scope"] == "webhooks:read"
    assert client.get("/v1/webhooks").status_code == 401


def test_another_organisations_webhook_is_not_found(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    made = make_webhook(client, caller, "https://8.8.8.8/hook")
    stranger = make_caller()
    for method, path in (
        ("GET", f"/v1/webhooks/{made['id']}"),
        ("GET", f"/v1/webhooks/{made['id']}/deliveries"),
        ("DELETE", f"/v1/webhooks/{made['id']}"),
        ("POST", f"/v1/webhooks/{made['id']}/rotate-secret"),
    ):
        assert client.request(method, path, headers=stranger.headers).status_code == 404, path
    assert client.get("/v1/webhooks", headers=stranger.headers).json()["items"] == []
    assert client.get(f"/v1/webhooks/{made['id']}", headers=caller.headers).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",  # NAT64 of 169.254.169.254
        "http://[2002:a9fe:a9fe::1]/hook",  # 6to4 of the same
        "http://0.0.0.0/hook",
        "ftp://8.8.8.8/hook",
        "https://user:password@8.8.8.8/hook",
        "http://xn--zz.com/hook",  # a punycode label that decodes to nothing
        "http://8.8.8.8:99999/hook",
        "not a url",
    ],
)
def test_a_url_that_may_not_be_reached_is_refused(
    url: str, client: TestClient, caller: Caller, settings: Settings
) -> None:
    settings.webhook_allow_private_addresses = False
    response = client.post(
        "/v1/webhooks", json={"url": url, "events": ["letter.sent"]}, headers=caller.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "url"


def test_an_action_arrives_signed_once(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    taken = take_action(client)
    deliver_all(client, settings)
    (received,) = receiver.received
    assert received.path == "/hook"
    assert received.headers["content-type"] == "application/json"
    body = json.loads(received.body)
    assert body["type"] == "action.created" and body["id"].startswith("evt_")
    data = body["data"]
    assert {key: data[key] for key in taken} == taken
    assert data["supporter"]["email"] == "amelie@example.org"
    assert data["supporter"]["postal_code"] == "T5A 1B7"
    assert (data["consent_to_contact"], data["language"], data["source"]) == (False, "en", "api")
    assert data["confirmation"] == "not_required" and data["created_at"]
    read_back = client.get(f"/v1/actions/{taken['id']}", headers=caller.headers).json()
    assert data["supporter"] == read_back["supporter"]
    assert received.headers["letterdesk-event-id"] == body["id"]
    assert received.headers["letterdesk-event-type"] == "action.created"
    signature = received.headers["letterdesk-signature"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64}", signature)
    verify = readme_verify()
    assert verify(made["secret"], signature, received.body)
    assert not verify(made["secret"], signature, received.body.replace(b"}", b" }", 1))
    assert not verify("whsec_another", signature, received.body)
    (logged,) = deliveries(client, caller, made["id"])
    assert (logged["status"], logged["event_id"], logged["event_type"]) == (
        "delivered", body["id"], "action.created",
    )  # fmt: skip
    assert logged["next_attempt_at"] is None and logged["delivered_at"] is not None
    (attempt,) = logged["attempts"]
    assert (attempt["outcome"], attempt["status_code"], attempt["error"]) == (
        "delivered",
        200,
        None,
    )
    assert attempt["response_body"] == "thanks" and attempt["duration_ms"] >= 0
    deliver_all(client, settings)
    assert len(receiver.received) == 1


def test_the_readme_example_refuses_an_old_signature() -> None:
    verify = readme_verify()
    body = b'{"id": "evt_1"}'
    now = int(time.time())
    assert verify("whsec_x", signature_header(["whsec_x"], now, body), body)
    assert not verify("whsec_x", signature_header(["whsec_x"], now - 301, body), body)
    assert not verify("whsec_x", f"v1={signature_header(['whsec_x'], now, body)}", body)


def test_a_rotated_secret_signs_beside_the_new_one_until_it_expires(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, session: Session,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    rotated = client.post(f"/v1/webhooks/{made['id']}/rotate-secret", headers=caller.headers)
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["secret"] != made["secret"] and new["previous_secret_expires_at"] is not None
    take_action(client)
    deliver_all(client, settings)
    verify = readme_verify()
    (received,) = receiver.received
    signature = received.headers["letterdesk-signature"]
    assert re.fullmatch(r"t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}", signature)
    assert verify(new["secret"], signature, received.body)
    assert verify(made["secret"], signature, received.body)
    session.execute(
        update(Webhook)
        .where(Webhook.id == made["id"])
        .values(previous_secret_expires_at=utcnow() - timedelta(seconds=1))
    )
    session.commit()
    take_action(client, email="second@example.org")
    deliver_all(client, settings)
    later = receiver.received[1]
    signature = later.headers["letterdesk-signature"]
    assert signature.count("v1=") == 1
    assert verify(new["secret"], signature, later.body)
    assert not verify(made["secret"], signature, later.body)


def test_a_failing_receiver_is_retried_then_the_delivery_fails(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    receiver.script = [500, 503, 500]
    take_action(client)
    deliver_all(client, settings)
    assert len(receiver.received) == 3
    assert len({item.body for item in receiver.received}) == 1
    assert len({item.headers["letterdesk-event-id"] for item in receiver.received}) == 1
    (logged,) = deliveries(client, caller, made["id"])
    assert logged["status"] == "failed" and logged["next_attempt_at"] is None
    assert [(a["outcome"], a["status_code"], a["error"]) for a in logged["attempts"]] == [
        ("retry", 500, "HTTP 500"), ("retry", 503, "HTTP 503"), ("failed", 500, "HTTP 500"),
    ]  # fmt: skip


def test_a_retry_waits_its_backoff(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, session: Session,
) -> None:  # fmt: skip
    settings.delivery_backoff_seconds = 60.0
    made = make_webhook(client, caller, receiver.url)
    receiver.script = [500]
    take_action(client)
    deliver_all(client, settings)
    assert len(receiver.received) == 1  # the retry is not due yet: the worker went idle
    (logged,) = deliveries(client, caller, made["id"])
    assert logged["status"] == "pending"
    started = datetime.fromisoformat(logged["attempts"][0]["started_at"])
    wait = datetime.fromisoformat(logged["next_attempt_at"]) - started
    assert timedelta(seconds=30) <= wait <= timedelta(seconds=91)  # 60 s, with jitter
    session.execute(update(WebhookDelivery).values(due_at=utcnow()))  # as if time passed
    session.commit()
    deliver_all(client, settings)
    assert len(receiver.received) == 2
    (logged,) = deliveries(client, caller, made["id"])
    assert logged["status"] == "delivered"
    assert [a["outcome"] for a in logged["attempts"]] == ["retry", "delivered"]


def test_a_redirect_is_not_followed_and_a_long_answer_is_cut(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    receiver.script = ["redirect", "big"]
    take_action(client)
    deliver_all(client, settings)
    assert [item.path for item in receiver.received] == ["/hook", "/hook"]
    (logged,) = deliveries(client, caller, made["id"])
    redirected, answered = logged["attempts"]
    assert (redirected["outcome"], redirected["status_code"]) == ("retry", 302)
    assert (answered["outcome"], answered["status_code"]) == ("delivered", 200)
    assert answered["response_body"] == "x" * 1024


def test_a_url_that_comes_to_a_private_address_is_not_sent_to(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url.replace("127.0.0.1", "localhost"))
    take_action(client)
    settings.webhook_allow_private_addresses = False  # checked again at send time
    deliver_all(client, settings)
    assert receiver.received == []
    (logged,) = deliveries(client, caller, made["id"])
    assert logged["status"] == "failed"
    assert all("loopback, private or link-local" in a["error"] for a in logged["attempts"])
    assert [a["status_code"] for a in logged["attempts"]] == [None, None, None]


def test_a_deleted_webhook_gets_nothing(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, session: Session,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    take_action(client)  # its delivery is pending when the webhook is deleted
    response = client.delete(f"/v1/webhooks/{made['id']}", headers=caller.headers)
    assert response.status_code == 204
    take_action(client, email="after@example.org")
    deliver_all(client, settings)
    assert receiver.received == []
    statuses = session.scalars(
        select(WebhookDelivery.status).where(WebhookDelivery.webhook_id == made["id"])
    ).all()
    assert statuses == ["cancelled"]
    assert client.get(f"/v1/webhooks/{made['id']}", headers=caller.headers).status_code == 404
    assert client.get("/v1/webhooks", headers=caller.headers).json()["items"] == []
    again = client.delete(f"/v1/webhooks/{made['id']}", headers=caller.headers)
    assert again.status_code == 404


def test_only_the_events_subscribed_to_are_sent(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, make_caller: MakeCaller, session: Session,
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url, ["print_batch.ready"])
    stranger = make_caller()
    make_webhook(client, stranger, receiver.url, ["action.created"])
    take_action(client)
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    deliver_all(client, settings)
    assert receiver.received == []


def letters_listed(client: TestClient, caller: Caller) -> dict[str, dict[str, Any]]:
    items = client.get("/v1/letters", headers=caller.headers).json()["items"]
    return {item["id"]: item for item in items}


def test_letters_sent_and_failed_are_told_as_the_api_shows_them(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, sink: tuple[SinkHandler, int],
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url, ["letter.sent", "letter.failed"])
    handler, _ = sink
    handler.script = ["550 5.1.1 No such mailbox"]
    taken = take_action(client)
    deliver_all(client, settings)
    events = {body["type"]: body for body in bodies(receiver)}
    assert sorted(events) == ["letter.failed", "letter.sent"]
    listed = letters_listed(client, caller)
    sent, failed = events["letter.sent"]["data"], events["letter.failed"]["data"]
    assert sent == listed[sent["id"]] and sent["status"] == "sent"
    assert (sent["campaign"], sent["campaign_id"]) == ("rescind-stca", campaign["id"])
    assert failed == listed[failed["id"]]
    assert failed["failed_reason"] == "550 5.1.1 No such mailbox"
    assert {sent["id"], failed["id"]} == {letter["id"] for letter in taken["letters"]}


def test_a_print_batch_tells_its_letters_printed_and_itself_ready(
    client: TestClient, caller: Caller, receiver: Receiver, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    settings.print_dir = tmp_path / "print"
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    make_webhook(client, caller, receiver.url, ["letter.printed", "print_batch.ready"])
    letter_ids = set()
    for number in range(2):
        letter_ids |= {
            letter["id"] for letter in take_action(client, f"p{number}@example.org")["letters"]
        }
    batch = client.post("/v1/print-batches", json={}, headers=caller.headers)
    assert batch.status_code == 202, batch.text
    deliver_all(client, settings)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for body in bodies(receiver):
        by_type.setdefault(body["type"], []).append(body["data"])
    (ready,) = by_type["print_batch.ready"]
    shown = client.get(f"/v1/print-batches/{batch.json()['id']}", headers=caller.headers).json()
    assert ready == shown and ready["status"] == "ready"
    pdf = client.get(f"/v1/print-batches/{ready['id']}/pdf", headers=caller.headers)
    assert pdf.status_code == 200
    listed = letters_listed(client, caller)
    printed = by_type["letter.printed"]
    assert {letter["id"] for letter in printed} == letter_ids and len(printed) == 4
    for letter in printed:
        assert letter == listed[letter["id"]] and letter["status"] == "batched"


def test_marking_a_batch_mailed_tells_each_letter_mailed_once(
    client: TestClient, caller: Caller, receiver: Receiver, settings: Settings,
    tmp_path: Path,
) -> None:  # fmt: skip
    settings.print_dir = tmp_path / "print"
    make_directory(client, caller)
    make_campaign(client, caller, channels=["print"])
    make_webhook(client, caller, receiver.url, ["letter.mailed"])
    letter_ids = {letter["id"] for letter in take_action(client)["letters"]}
    batch = client.post("/v1/print-batches", json={}, headers=caller.headers).json()
    deliver_all(client, settings)
    assert bodies(receiver) == []  # built, not yet posted
    url = f"/v1/print-batches/{batch['id']}/mark-mailed"
    for _ in range(2):  # saying it twice announces it once
        assert client.post(url, headers=caller.headers).status_code == 200
    deliver_all(client, settings)
    mailed = [body["data"] for body in bodies(receiver)]
    assert {body["type"] for body in bodies(receiver)} == {"letter.mailed"}
    assert {letter["id"] for letter in mailed} == letter_ids and len(mailed) == 2
    listed = letters_listed(client, caller)
    for letter in mailed:
        assert letter == listed[letter["id"]] and letter["status"] == "mailed"


def test_no_event_is_written_when_the_actions_transaction_is_rolled_back(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    session: Session,
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url)

    def refuse(_: Session) -> None:
        raise RuntimeError("the database went away at commit")

    live = live_campaign(session, "rescind-stca")
    provider = client.app.state.district_provider  # type: ignore[attr-defined]
    event.listen(session, "before_commit", refuse)
    with pytest.raises(RuntimeError):
        letters_service.take_action(
            session,
            live,
            ActionCreate(**action_body()),
            provider,
            client.app.state.settings,  # type: ignore[attr-defined]
        )
    session.rollback()
    event.remove(session, "before_commit", refuse)
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    take_action(client)  # the same action, committed: its event is there
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 1


def test_a_slow_receiver_does_not_hold_up_letters(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, sink: tuple[SinkHandler, int],
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url)
    receiver.script = ["hold"]
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(settings), settings)
    running = threading.Thread(target=worker.run)
    running.start()
    try:
        take_action(client)
        assert receiver.holding.wait(30), "the webhook never arrived"
        later = take_action(client, email="later@example.org")
        handler, _ = sink
        deadline = time.monotonic() + 30
        while len(handler.received) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        # The first action's webhook is still held by its receiver, and yet the letters
        # of the action taken after it went.
        assert not receiver.release.is_set()
        assert len(handler.received) == 4

        def statuses() -> set[str]:
            listed = letters_listed(client, caller)
            return {listed[item["id"]]["status"] for item in later["letters"]}

        # A letter is recorded sent just after the sink has it.
        while statuses() != {"sent"} and time.monotonic() < deadline:
            time.sleep(0.05)
        assert statuses() == {"sent"}
    finally:
        receiver.release.set()
        worker.stop()
        running.join()
    assert len(receiver.received) == 2


def test_a_receiver_that_does_not_answer_in_time_is_retried(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    settings.webhook_timeout_seconds = 0.5
    made = make_webhook(client, caller, receiver.url)
    receiver.script = ["hold"]  # answers only when the test ends
    take_action(client)
    deliver_all(client, settings)
    (logged,) = deliveries(client, caller, made["id"])
    late, answered = logged["attempts"]
    assert late["outcome"] == "retry" and late["status_code"] is None
    assert late["error"].startswith("ReadTimeout")
    assert (answered["outcome"], answered["status_code"]) == ("delivered", 200)


def test_a_receiver_that_is_not_there_is_retried(
    client: TestClient, caller: Caller, campaign: dict[str, Any], settings: Settings
) -> None:
    with http_receiver() as gone:
        url = gone.url
    made = make_webhook(client, caller, url)
    take_action(client)
    deliver_all(client, settings)
    (logged,) = deliveries(client, caller, made["id"])
    assert logged["status"] == "failed"
    assert [a["error"].split(":")[0] for a in logged["attempts"]] == ["ConnectError"] * 3


@pytest.mark.parametrize("certified", ["localhost", "elsewhere.example"])
def test_https_is_verified_against_the_urls_host_name(
    certified: str, client: TestClient, caller: Caller, campaign: dict[str, Any],
    settings: Settings, tmp_path: Path,
) -> None:  # fmt: skip
    """The POST goes to the address checked, yet TLS names the URL's host (SNI) and the
    certificate must be that host's."""
    certificate = self_signed_certificate(tmp_path, certified)
    settings.webhook_ca_file = str(certificate[0])
    settings.delivery_max_attempts = 1
    with http_receiver(certificate, host="localhost") as receiver:
        made = make_webhook(client, caller, receiver.url)
        take_action(client)
        deliver_all(client, settings)
    (logged,) = deliveries(client, caller, made["id"])
    (attempt,) = logged["attempts"]
    if certified == "localhost":
        assert (attempt["outcome"], attempt["status_code"]) == ("delivered", 200)
        (received,) = receiver.received
        assert received.headers["host"] == receiver.url.split("/")[2]
        assert json.loads(received.body)["type"] == "action.created"
    else:
        assert attempt["outcome"] == "failed" and "CERTIFICATE_VERIFY_FAILED" in attempt["error"]
        assert receiver.received == []


def test_an_action_costs_one_query_for_webhooks_when_there_are_none(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    statements: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    engine = client.app.state.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", keep)
    try:
        take_action(client)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    about_webhooks = [s for s in statements if "webhook" in s]
    assert len(about_webhooks) == 1 and about_webhooks[0].lstrip().startswith("SELECT")


def test_the_openapi_document_describes_the_webhook_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operations = {
        ("post", "/v1/webhooks"): "201",
        ("get", "/v1/webhooks"): "200",
        ("get", "/v1/webhooks/{webhook_id}"): "200",
        ("delete", "/v1/webhooks/{webhook_id}"): "204",
        ("post", "/v1/webhooks/{webhook_id}/rotate-secret"): "200",
        ("get", "/v1/webhooks/{webhook_id}/deliveries"): "200",
        ("patch", "/v1/webhooks/{webhook_id}"): "200",
        ("post", "/v1/webhooks/{webhook_id}/test"): "202",
        ("post", "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"): "202",
    }
    for (method, path), success in operations.items():
        responses = paths[path][method]["responses"]
        assert {success, "401", "403", "422"} <= set(responses), (method, path)
        assert all(answer["description"] for answer in responses.values())
        if "{webhook_id}" in path:
            assert "404" in responses, (method, path)
    created = paths["/v1/webhooks"]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"]["$ref"].endswith("/WebhookCreated")
    for path in (
        "/v1/webhooks/{webhook_id}/test",
        "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    ):
        assert "409" in paths[path]["post"]["responses"], path
    changed = paths["/v1/webhooks/{webhook_id}"]["patch"]["requestBody"]["content"]
    assert changed["application/json"]["schema"]["$ref"].endswith("/WebhookUpdate")


def test_a_secret_sealed_under_another_service_key_is_not_used(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings, session: Session,
) -> None:  # fmt: skip
    made = make_webhook(client, caller, receiver.url)
    stored = session.scalar(select(Webhook.secret).where(Webhook.id == made["id"]))
    assert stored is not None and made["secret"] not in stored  # kept sealed
    take_action(client)
    settings.secret_key = "another-service-key"
    deliver_all(client, settings)
    assert receiver.received == []
    (logged,) = deliveries(client, caller, made["id"])
    assert logged["status"] == "failed"
    assert all("another LETTERDESK_SECRET_KEY" in a["error"] for a in logged["attempts"])


def test_erasing_a_supporter_empties_the_events_that_told_of_them(
    client: TestClient, caller: Caller, campaign: dict[str, Any], session: Session
) -> None:
    hook = make_webhook(client, caller, "http://127.0.0.1:9/never-listened")
    hers, his = take_action(client), take_action(client, "bob@example.org")
    # A receiver that answered by quoting what it was sent.
    (delivery_id,) = session.scalars(
        select(WebhookDelivery.id).join(WebhookEvent).where(WebhookEvent.body.contains(hers["id"]))
    )
    session.add(
        WebhookAttempt(
            delivery_id=delivery_id, worker="w", started_at=utcnow(), duration_ms=3,
            status_code=500, outcome="retry", error="HTTP 500",
            response_body="could not file Amélie Tremblay",
        )
    )  # fmt: skip
    session.commit()
    erased = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=caller.headers
    )
    assert erased.status_code == 200
    session.expire_all()
    assert [a.response_body for a in session.scalars(select(WebhookAttempt))] == [None]
    events = {
        json.loads(body)["data"].get("id"): json.loads(body)
        for body in session.scalars(select(WebhookEvent.body))
    }
    assert len(events) == 2 and his["id"] in events
    (emptied,) = [event for key, event in events.items() if key != his["id"]]
    assert emptied["data"] == {"erased": True} and emptied["type"] == "action.created"
    assert "Tremblay" not in json.dumps(emptied) and "Tremblay" in json.dumps(events[his["id"]])
    states = {item["event_id"]: item["status"] for item in deliveries(client, caller, hook["id"])}
    assert sorted(states.values()) == ["cancelled", "pending"]
    assert states[emptied["id"]] == "cancelled" and hers["id"] not in json.dumps(emptied)


def test_old_events_are_deleted_with_retention_once_delivered(
    client: TestClient, caller: Caller, campaign: dict[str, Any], session: Session
) -> None:
    make_webhook(client, caller, "http://127.0.0.1:9/never-listened")
    for n in range(3):
        take_action(client, f"s{n}@example.org")
    long_ago = utcnow() - timedelta(days=91)
    first, second, third = session.scalars(select(WebhookEvent.id).order_by(WebhookEvent.id))
    session.execute(
        update(WebhookEvent).where(WebhookEvent.id.in_([first, second])).values(created_at=long_ago)
    )
    session.execute(
        update(WebhookDelivery).where(WebhookDelivery.event_id == first).values(status="delivered")
    )
    session.commit()
    assert purge_old_events(session, retention_days=90) == 1  # the old pending one waits
    session.expire_all()
    assert set(session.scalars(select(WebhookEvent.id))) == {second, third}
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 2
    # ...unless its webhook was deleted as the event was written: nothing will send it.
    session.execute(update(Webhook).values(deleted_at=utcnow()))
    session.commit()
    assert purge_old_events(session, retention_days=90) == 1
    session.expire_all()
    assert set(session.scalars(select(WebhookEvent.id))) == {third}


def test_action_events_carry_personal_data_so_need_the_constituents_scope(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    hooks_only = make_caller([Scope.WEBHOOKS_WRITE], caller.organisation_id)
    body = {"url": "https://8.8.8.8/hook", "events": ["letter.sent", "action.created"]}
    refused = client.post("/v1/webhooks", json=body, headers=hooks_only.headers)
    assert refused.status_code == 403, refused.text
    assert refused.json()["required_scope"] == "constituents:read"
    letters_only = {"url": "https://8.8.8.8/hook", "events": ["letter.sent"]}
    assert client.post("/v1/webhooks", json=letters_only, headers=hooks_only.headers).is_success
    both = make_caller([Scope.WEBHOOKS_WRITE, Scope.CONSTITUENTS_READ], caller.organisation_id)
    assert client.post("/v1/webhooks", json=body, headers=both.headers).status_code == 201


def test_a_cancelled_letter_is_told(
    client: TestClient, caller: Caller, campaign: dict[str, Any], receiver: Receiver,
    settings: Settings,
) -> None:  # fmt: skip
    make_webhook(client, caller, receiver.url, ["letter.cancelled"])
    letter_id = take_action(client)["letters"][0]["id"]
    cancelled = client.post(f"/v1/letters/{letter_id}/cancel", headers=caller.headers)
    assert cancelled.status_code == 200, cancelled.text
    deliver_all(client, settings)
    (body,) = [item for item in bodies(receiver) if item["type"] == "letter.cancelled"]
    assert body["data"] == letters_listed(client, caller)[letter_id]
    assert body["data"]["status"] == "cancelled"
