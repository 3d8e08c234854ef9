"""Structured logs: JSON lines, each request with an id that is answered and logged."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db import make_engine
from app.logs import JsonFormatter
from app.main import create_app
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import MakeCaller

LETTERDESK = str(Path(sys.executable).parent / "letterdesk")


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def json_lines() -> Iterator[Lines]:
    handler = Lines()
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def test_every_answer_carries_a_request_id_and_is_logged_once(
    client: TestClient, json_lines: Lines
) -> None:
    first = client.get("/healthz")
    second = client.get("/healthz")
    rid = first.headers["X-Request-ID"]
    assert len(rid) == 32 and rid != second.headers["X-Request-ID"]
    (line,) = [entry for entry in json_lines.lines if entry.get("request_id") == rid]
    assert line["logger"] == "letterdesk.access" and line["level"] == "info"
    assert line["method"] == "GET" and line["path"] == "/healthz" and line["status"] == 200
    assert line["duration_ms"] >= 0 and line["time"].endswith("+00:00")


def test_a_callers_request_id_is_kept_when_it_is_plainly_an_id(client: TestClient) -> None:
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.01"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a.01"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" "level": "error'})
    assert forged.headers["X-Request-ID"] != 'x" "level": "error'


def test_query_strings_are_not_logged(client: TestClient, json_lines: Lines) -> None:
    client.get("/v1/districts/lookup?postal_code=K1A0A6&email=amelie@example.org")
    ours = [entry for entry in json_lines.lines if entry["logger"] != "httpx"]  # the client's
    assert ours
    assert not any("amelie" in json.dumps(entry) for entry in ours)


def test_logs_from_inside_a_request_carry_its_id(
    settings: Settings, make_caller: MakeCaller, json_lines: Lines
) -> None:
    # An unreachable Redis makes the rate limiter log a warning from inside the request.
    broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    with TestClient(create_app(broken)) as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        answer = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert answer.status_code == 201
    rid = answer.headers["X-Request-ID"]
    warnings = [entry for entry in json_lines.lines if entry["level"] == "warning"]
    assert warnings and all(entry.get("request_id") == rid for entry in warnings)


def test_the_server_writes_json_lines(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    database_url = f"sqlite:///{tmp_path}/served.db"
    env = os.environ | {
        "LETTERDESK_DATABASE_URL": database_url,
        "LETTERDESK_SECRET_KEY_FILE": str(tmp_path / "secret"),
    }
    subprocess.run([LETTERDESK, "db", "upgrade"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [LETTERDESK, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "probe-1"}
                )
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.1)
        assert answer.headers["X-Request-ID"] == "probe-1"
        for _ in range(3):  # readiness probes, every half second in production
            assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    assert any(line.get("request_id") == "probe-1" and line.get("status") == 200 for line in lines)
    assert any(line["logger"].startswith("uvicorn") for line in lines)
    # One line per request (ours), and no terminal colour codes.
    assert not any(line["logger"] == "uvicorn.access" for line in lines)
    assert not any("color_message" in line for line in lines)
    # A probe writes its access line and nothing else (Alembic wrote two INFO lines each).
    assert [line["message"] for line in lines if line["logger"].startswith("alembic")] == []


def test_a_failed_statement_keeps_its_parameters_out_of_its_error(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        with pytest.raises(DBAPIError) as failed, engine.connect() as connection:
            connection.execute(text("INSERT INTO nowhere VALUES (:name)"), {"name": "Amélie"})
        assert "Amélie" not in str(failed.value)
    finally:
        engine.dispose()
