"""A worker run until nothing is due (queued letters in bulk: bench.queued_letters)."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.delivery.email import email_backend
from app.settings import Settings
from app.worker import Worker


def deliver_all(client: TestClient, settings: Settings) -> Worker:
    """Runs a worker until nothing is due: letters and webhooks."""
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(settings), settings)
    worker.run(until=lambda: worker.idle)
    return worker
