"""A partner's whole integration, over HTTP against the service on a loopback port, as
issue 15 asks: import recipients, make and publish a campaign, submit keyed actions at
10 a second for a minute without a 429, sync actions and letters incrementally with the
cursor, and hear of it all by signed webhooks, with a test event and a redelivery.
The worker runs beside the server, as in production."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from app.auth import service as auth_service
from app.auth.scopes import Scope
from app.delivery.email import email_backend
from app.main import create_app
from app.settings import Settings
from app.worker import Worker
from tests.campaign_data import HILL, POSTAL_TABLE, RECIPIENTS, action_body, campaign_body
from tests.http_receiver import Receiver
from tests.web_server import serve
from tests.webhook_data import readme_verify

PER_SECOND = 10
SECONDS = 60
# Generous: only a broken service takes this long; nothing is asserted on time.
PATIENCE_SECONDS = 300

PARTNER_SCOPES = [
    "directory:write",
    "campaigns:write",
    "actions:write",
    "letters:read",
    "constituents:read",
    "webhooks:write",
]


@contextmanager
def worker_running(app: FastAPI, settings: Settings) -> Iterator[None]:
    worker = Worker(app.state.sessionmaker, email_backend(settings), settings)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        yield
    finally:
        worker.stop()
        thread.join()


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + PATIENCE_SECONDS
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def answered(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


def partner_key(api: httpx.Client) -> dict[str, str]:
    made = answered(
        api.post("/v1/api-keys", json={"name": "crm", "scopes": PARTNER_SCOPES}), status=201
    )
    return {"Authorization": f"Bearer {made['key']}"}


def import_recipients(api: httpx.Client) -> None:
    recipients = [
        body | {"external_id": f"mp-{key}", "addresses": [HILL]} for key, body in RECIPIENTS.items()
    ]
    imported = answered(api.post("/v1/recipients/import", json={"recipients": recipients}))
    assert imported["counts"]["created"] == len(RECIPIENTS), imported
    answered(
        api.post(
            "/v1/districts/postal-codes/import",
            content=POSTAL_TABLE.encode(),
            headers={"Content-Type": "text/csv"},
        )
    )


def publish_campaign(api: httpx.Client) -> dict[str, Any]:
    draft = campaign_body(status="draft", targets=[{"type": "own_mp"}], channels=["print"])
    made = answered(api.post("/v1/campaigns", json=draft), status=201)
    live = answered(api.patch(f"/v1/campaigns/{made['id']}", json={"status": "live"}))
    assert live["status"] == "live"
    return live  # type: ignore[no-any-return]


def submit_actions(api: httpx.Client, campaign_id: str, first: int, count: int) -> list[Any]:
    """`count` keyed actions, started PER_SECOND a second (a few at once, so that one
    slow answer does not slow the pace), each a different supporter."""

    def submit(number: int) -> httpx.Response:
        body = action_body(
            supporter={"email": f"supporter{number}@example.org"},
            metadata={"crm_id": f"C-{number}"},
        )
        return api.post(f"/v1/campaigns/{campaign_id}/actions", json=body)

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        futures: list[Future[httpx.Response]] = []
        for offset in range(count):
            time.sleep(max(0.0, started + offset / PER_SECOND - time.monotonic()))
            futures.append(pool.submit(submit, first + offset))
        responses = [future.result() for future in futures]
    refused = [(r.status_code, r.text) for r in responses if r.status_code != 201]
    assert refused == [], refused[:3]
    return [response.json() for response in responses]


def sync(api: httpx.Client, path: str, cursor: str | None) -> tuple[dict[str, Any], str | None]:
    """A CRM's incremental sync: every page after `cursor`, and the cursor to resume
    from next time (the last one a page gave). Rows seen before may come again (a
    service whose last page gives no cursor repeats it): they are merged by id."""
    rows: dict[str, Any] = {}
    while True:
        params: dict[str, Any] = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = answered(api.get(path, params=params))
        rows |= {item["id"]: item for item in page["items"]}
        more = page.get("has_more", page["next_cursor"] is not None)
        cursor = page["next_cursor"] or cursor
        if not more:
            return rows, cursor


def received_of(receiver: Receiver, event_type: str) -> list[Any]:
    with receiver.lock:
        received = list(receiver.received)
    return [item for item in received if item.headers["letterdesk-event-type"] == event_type]


def test_a_partner_integrates_over_http(
    settings: Settings, receiver: Receiver, tmp_path: Path
) -> None:
    settings.print_dir = tmp_path / "print"
    app = create_app(settings)
    total = PER_SECOND * SECONDS
    with serve(app) as url, worker_running(app, settings):
        with app.state.sessionmaker() as session:
            organisation = auth_service.create_organisation(session, "Partner org").id
            _, admin = auth_service.issue_key(session, organisation, "admin", [Scope.ADMIN])
            session.commit()
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {admin}"}) as admin_api:
            key = partner_key(admin_api)
        with httpx.Client(base_url=url, headers=key, timeout=60) as api:
            import_recipients(api)
            campaign = publish_campaign(api)
            hook = answered(
                api.post("/v1/webhooks", json={"url": receiver.url, "events": ["action.created"]}),
                status=201,
            )

            taken = submit_actions(api, campaign["id"], 0, total)
            actions, action_cursor = sync(api, "/v1/actions", None)
            letters, letter_cursor = sync(api, "/v1/letters", None)
            assert set(actions) == {action["id"] for action in taken}
            assert {action["metadata"]["crm_id"] for action in actions.values()} == {
                f"C-{n}" for n in range(total)
            }
            assert set(letters) == {letter["id"] for a in taken for letter in a["letters"]}

            # More happen; the next sync resumes where the last one ended.
            later = submit_actions(api, campaign["id"], total, 3)
            new_actions, _ = sync(api, "/v1/actions", action_cursor)
            new_letters, _ = sync(api, "/v1/letters", letter_cursor)
            assert {action["id"] for action in later} <= set(new_actions)
            assert set(actions | new_actions) == {a["id"] for a in taken + later}
            assert {letter["id"] for a in later for letter in a["letters"]} <= set(new_letters)

            # Every action was told, signed with the webhook's secret.
            verify = readme_verify()
            wait_until(lambda: len(received_of(receiver, "action.created")) >= total + 3)
            told = received_of(receiver, "action.created")
            assert {json.loads(item.body)["data"]["id"] for item in told} == {
                a["id"] for a in taken + later
            }
            for item in told:
                assert verify(hook["secret"], item.headers["letterdesk-signature"], item.body)

            # A test event, then one delivery sent again.
            answered(api.post(f"/v1/webhooks/{hook['id']}/test"), status=202)
            wait_until(lambda: len(received_of(receiver, "webhook.test")) == 1)
            (test,) = received_of(receiver, "webhook.test")
            assert verify(hook["secret"], test.headers["letterdesk-signature"], test.body)
            log = f"/v1/webhooks/{hook['id']}/deliveries"
            (delivered,) = answered(api.get(log, params={"status": "delivered", "limit": 1}))[
                "items"
            ]
            again = answered(
                api.post(f"{log}/{delivered['id']}/redeliver"),
                status=202,
            )
            event_id = delivered["event_id"]

            def sent_twice() -> list[Any]:
                return [
                    item
                    for item in received_of(receiver, "action.created")
                    if item.headers["letterdesk-event-id"] == event_id
                ]

            wait_until(lambda: len(sent_twice()) == 2)
            first, second = sent_twice()
            assert second.body == first.body
            assert verify(hook["secret"], second.headers["letterdesk-signature"], second.body)
            wait_until(lambda: sync(api, log, None)[0][again["id"]]["status"] == "delivered")
            logged, _ = sync(api, log, None)
            assert logged[again["id"]]["redelivery_of"] == delivered["id"]
            assert logged[again["id"]]["event_id"] == event_id
            assert logged[again["id"]]["status"] == "delivered"
            assert {item["status"] for item in logged.values()} == {"delivered"}
            assert len(logged) == total + 3 + 2  # the actions, the test, the redelivery
