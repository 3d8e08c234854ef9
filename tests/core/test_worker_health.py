"""The worker's own /readyz and /livez, served by a running worker (a thread here, as
`letterdesk worker --health-port` runs it in its process): unready while the mail relay
refuses connections or the database does not answer, and alive all the while."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_sessionmaker
from app.delivery.email import email_backend
from app.settings import Settings
from app.worker import Worker
from app.worker_health import HealthServer
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller

WAIT_SECONDS = 60.0  # how long a test waits for the worker to get there, at most


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(worker: Worker) -> Iterator[str]:
    """`worker` polling on a thread, its health served on a free loopback port: the
    server's base URL."""
    health = HealthServer(worker, "127.0.0.1", 0).start()
    loop = threading.Thread(target=worker.run, name="worker-under-test")
    loop.start()
    try:
        yield f"http://127.0.0.1:{health.port}"
    finally:
        worker.stop()
        loop.join()
        health.close()


def probe_until(url: str, status: int) -> dict[str, Any]:
    """GET `url` until it answers `status` (the worker gets there in its own time)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        answer = httpx.get(url, timeout=5)
        if answer.status_code == status or time.monotonic() > deadline:
            assert answer.status_code == status, answer.text
            body: dict[str, Any] = answer.json()
            return body
        time.sleep(0.05)


def test_a_worker_whose_relay_refuses_is_alive_but_not_ready(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert taken.status_code == 201, taken.text
    down = settings.model_copy(
        update={"email_backend": "smtp", "smtp_port": closed_port(), "worker_poll_seconds": 0.05}
    )
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(down), down)
    with running(worker) as base:
        unready = probe_until(f"{base}/readyz", 503)
        assert unready["status"] == "unavailable"
        assert unready["reasons"] == ["relay_unreachable"]
        assert unready["database"] == "ok"
        assert unready["relay"]["error"] and unready["relay"]["down_since"]
        alive = httpx.get(f"{base}/livez", timeout=5)
        assert alive.status_code == 200 and alive.json()["status"] == "ok"
        assert httpx.get(f"{base}/other", timeout=5).status_code == 404
    statuses = client.get("/v1/letters", headers=caller.headers).json()["items"]
    assert {letter["status"] for letter in statuses} == {"queued"}


def test_a_worker_with_a_reachable_relay_and_database_is_ready(
    client: TestClient, settings: Settings
) -> None:
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(settings), settings)
    with running(worker) as base:
        ready = probe_until(f"{base}/readyz", 200)
        assert (ready["status"], ready["reasons"], ready["relay"]) == ("ok", [], "ok")


def test_a_worker_whose_database_is_down_is_not_ready() -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/letterdesk"
    settings = Settings(
        database_url=url, secret_key="test-secret", worker_poll_seconds=0.05, _env_file=None
    )
    engine = make_engine(url)
    try:
        worker = Worker(make_sessionmaker(engine), email_backend(settings), settings)
        with running(worker) as base:
            unready = probe_until(f"{base}/readyz", 503)
            assert unready["reasons"] == ["database"]
            assert unready["database"].startswith("unreachable: ")
    finally:
        engine.dispose()
