"""The worker's own health, for an orchestrator's probes: a small HTTP server on
loopback in the worker process (`letterdesk worker --health-port N`).

- `GET /livez`: the loop is polling (200), or has not polled for longer than a lease
  (503 `loop_stalled`: something holds it; restart the process).
- `GET /readyz`: the worker can do its work (200): the database answers and the email
  lane is not paused for a mail relay it cannot reach; else 503 with the reasons
  (`database`, `relay_unreachable`) and what failed.

A worker whose relay is down stays alive (its other lanes work, and it resumes alone
when the relay answers), so the relay makes it unready, never dead."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from app.worker import Worker

log = logging.getLogger("letterdesk.worker")


def readiness(worker: "Worker") -> tuple[int, dict[str, Any]]:
    reasons: list[str] = []
    answer: dict[str, Any] = {"worker": worker.name}
    try:
        with worker.sessions() as session:
            session.execute(text("SELECT 1"))
        answer["database"] = "ok"
    except SQLAlchemyError as error:
        reasons.append("database")
        answer["database"] = f"unreachable: {type(error).__name__}"
    relay = worker.email.relay
    if relay.down_since is not None:
        reasons.append("relay_unreachable")
        answer["relay"] = {
            "error": relay.error,
            "down_since": relay.down_since.isoformat(),
            "paused_for_seconds": round(max(0.0, relay.pause_until - time.monotonic()), 1),
        }
    else:
        answer["relay"] = "ok"
    answer["status"] = "unavailable" if reasons else "ok"
    answer["reasons"] = reasons
    return (503 if reasons else 200), answer


def liveness(worker: "Worker") -> tuple[int, dict[str, Any]]:
    since = time.monotonic() - worker.polled_at
    stalled = since > max(
        worker.settings.worker_lease_seconds, worker.settings.worker_poll_seconds * 10
    )
    answer = {
        "status": "unavailable" if stalled else "ok",
        "reasons": ["loop_stalled"] if stalled else [],
        "last_poll_seconds_ago": round(since, 1),
    }
    return (503 if stalled else 200), answer


class HealthServer:
    """Serves `/livez` and `/readyz` of `worker` on a thread of its own until `close()`."""

    def __init__(self, worker: "Worker", host: str, port: int) -> None:
        probes = {"/livez": liveness, "/readyz": readiness}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                probe = probes.get(self.path.partition("?")[0])
                status, answer = probe(worker) if probe else (404, {"status": "not found"})
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # a probe every few seconds is not worth a log line

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="worker-health", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> "HealthServer":
        self.thread.start()
        log.info("worker health on http://%s:%s/readyz", *self.server.server_address[:2])
        return self

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
