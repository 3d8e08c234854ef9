"""A host that dies while answering a keyed request: a retry, on another host, must not
do the work a second time. The dying host is uvicorn in its own process, killed with
SIGKILL at the moment it comes to keep the answer (tests/dying_host.py holds it there),
on SQLite and on PostgreSQL."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.delivery.models import Delivery
from app.directory.models import Recipient
from app.idempotency.models import IdempotencyKey
from app.letters.models import Action
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller

ACTIONS = "/v1/campaigns/rescind-stca/actions"
REPOSITORY = Path(__file__).resolve().parent.parent.parent


def work_done(session: Session) -> dict[str, int]:
    """What requests wrote: actions, notices to a supporter that they acted again (what
    a repeat of an anonymous action writes), recipients."""
    session.expire_all()
    count = select(func.count())
    return {
        "actions": session.scalar(count.select_from(Action)) or 0,
        "notices": session.scalar(count.select_from(Delivery).where(Delivery.channel == "notice"))
        or 0,
        "recipients": session.scalar(count.select_from(Recipient)) or 0,
    }


@contextmanager
def dying_host(
    settings: Settings, flag: Path, moment: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """uvicorn serving tests/dying_host.py on a loopback port, on the test's database,
    hanging at `moment` (see there)."""
    environment = {
        "LETTERDESK_DATABASE_URL": settings.database_url,
        "LETTERDESK_SECRET_KEY": str(settings.secret_key),
        "LETTERDESK_OUTBOX_DIR": str(settings.outbox_dir),
        "LETTERDESK_LOG_LEVEL": "warning",
        "DYING_HOST_FLAG": str(flag),
        "DYING_HOST_MOMENT": moment,
    }
    listener = socket.create_server(("127.0.0.1", 0))  # handed to uvicorn: no port race
    port = listener.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "tests.dying_host:app",
            "--app-dir", str(REPOSITORY), "--fd", str(listener.fileno()),
        ],
        pass_fds=[listener.fileno()],
        env={key: value for key, value in os.environ.items() if not key.startswith("LETTERDESK_")}
        | environment,
        cwd=flag.parent,  # no .env of the developer's is read
    )  # fmt: skip
    listener.close()
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()


def wait_for(flag: Path, server: subprocess.Popen[bytes], answer: Future[Any]) -> None:
    """Until the host has come to keeping its answer (or has stopped, or answered)."""
    while not flag.exists():
        if server.poll() is not None or answer.done():
            outcome = answer.result() if answer.done() else server.returncode
            raise AssertionError(f"the host never came to keeping its answer: {outcome}")
        with suppress(TimeoutError):  # still waiting: no assertion rests on this
            answer.result(timeout=0.05)


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


RECIPIENT = {"first_name": "Ziad", "last_name": "Aboultaif", "elected_office": "MP"}
OPERATIONS = [("public action", "actions"), ("keyed recipient", "recipients")]


def request_of(operation: str, caller: Caller) -> tuple[str, dict[str, Any], dict[str, str]]:
    if operation == "public action":
        return ACTIONS, action_body(), {"Idempotency-Key": "dies-midway"}
    return "/v1/recipients", RECIPIENT, {"Idempotency-Key": "dies-midway", **caller.headers}


def killed_at(
    moment: str,
    request: tuple[str, dict[str, Any], dict[str, str]],
    settings: Settings,
    session: Session,
    folder: Path,
) -> dict[str, int]:
    """Send `request` to a host that is killed at `moment`; what it had written then."""
    path, body, headers = request
    flag = folder / "at-the-moment"
    with dying_host(settings, flag, moment) as (url, server), ThreadPoolExecutor(1) as pool:
        answer = pool.submit(httpx.post, f"{url}{path}", json=body, headers=headers, timeout=None)
        wait_for(flag, server, answer)
        seen_while_dying = work_done(session)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        with pytest.raises(httpx.TransportError):
            answer.result()
    # The dead host's hold on the key lapses (as it would after the lock time).
    session.execute(update(IdempotencyKey).values(locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    return seen_while_dying


@pytest.mark.parametrize(("operation", "its_work"), OPERATIONS)
def test_a_host_killed_before_keeping_its_answer_leaves_the_work_undone(
    client: TestClient,
    campaign: dict[str, Any],
    caller: Caller,
    session: Session,
    settings: Settings,
    tmp_path: Path,
    operation: str,
    its_work: str,
) -> None:
    path, body, headers = request = request_of(operation, caller)
    before = work_done(session)
    seen_while_dying = killed_at("keeping", request, settings, session, tmp_path)
    retry = client.post(path, json=body, headers=headers)  # on another host
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    after = work_done(session)
    # The request's work was done once, by the retry: nothing of the dead host's is left.
    assert after == {**before, its_work: before[its_work] + 1}, (before, seen_while_dying, after)
    assert seen_while_dying == before


@pytest.mark.parametrize(("operation", "its_work"), OPERATIONS)
def test_a_host_killed_after_keeping_its_answer_has_it_replayed(
    client: TestClient,
    campaign: dict[str, Any],
    caller: Caller,
    session: Session,
    settings: Settings,
    tmp_path: Path,
    operation: str,
    its_work: str,
) -> None:
    path, body, headers = request = request_of(operation, caller)
    before = work_done(session)
    seen_while_dying = killed_at("answering", request, settings, session, tmp_path)
    assert seen_while_dying == {**before, its_work: before[its_work] + 1}
    retry = client.post(path, json=body, headers=headers)  # on another host
    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert work_done(session) == seen_while_dying
