"""A worker run until nothing is due (queued letters in bulk: bench.queued_letters)."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.delivery.email import email_backend
from app.delivery.printing import build_due_print_batches
from app.settings import Settings
from app.worker import Worker


def deliver_all(client: TestClient, settings: Settings) -> Worker:
    """Runs a worker until nothing is due: letters and webhooks."""
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(settings), settings)
    worker.run(until=lambda: worker.idle)
    return worker


def make_print_batch(
    client: TestClient, headers: dict[str, str], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST a print batch (answered `building`), let the worker's print job build it, and
    answer the batch as GET shows it then."""
    made = client.post("/v1/print-batches", json=body or {}, headers=headers)
    assert made.status_code == 202, made.text
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    with sessions() as session:
        build_due_print_batches(session, "test-worker", settings)
    shown = client.get(made.headers["location"], headers=headers)
    assert shown.status_code == 200, shown.text
    batch: dict[str, Any] = shown.json()
    return batch
