"""A worker run until nothing is due (queued letters in bulk: bench.queued_letters)."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from app.db import utcnow
from app.delivery.email import email_backend
from app.delivery.models import Delivery
from app.delivery.pacing import destination_of
from app.delivery.printing import build_due_print_batches
from app.ids import new_id
from app.letters.models import Action, Letter
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


def queue_supporters_letters(
    session: Session,
    organisation_id: str,
    campaign_id: str,
    supporters: int,
    recipients: list[dict[str, Any]],
    mailbox: str = "s",
    due_at: datetime | None = None,
) -> None:
    """Each supporter's letters to every one of `recipients`, queued in one go, their
    deliveries keyed as the app keys them (delivery.pacing.destination_of)."""
    now = utcnow()
    actions, letters, deliveries = [], [], []
    for number in range(supporters):
        action_id = new_id("act")
        actions.append(
            {
                "id": action_id, "organisation_id": organisation_id, "campaign_id": campaign_id,
                "first_name": "Amélie", "last_name": f"Tremblay {number}",
                "email": f"{mailbox}{number}@example.org",
                "email_key": f"{mailbox}{number}@example.org",
                "street_address": "1 Rue", "city": "Gatineau", "province": "QC",
                "postal_code": "J8X 1A1", "phone": None, "language": "fr",
                "intro": "Intro.", "concern": None, "ask": None, "intro_hash": f"{number}",
                "consent_to_contact": False, "created_at": now,
            }
        )  # fmt: skip
        for place, recipient in enumerate(recipients):
            letter_id = new_id("ltr")
            letters.append(
                {
                    "id": letter_id, "organisation_id": organisation_id,
                    "campaign_id": campaign_id, "action_id": action_id, "recipient_id": None,
                    "recipient": recipient, "channel": "email", "status": "queued",
                    "language": "fr", "subject": f"Lettre {mailbox}{number}-{place}",
                    "salutation": "Bonjour,", "body_text": f"Bonjour,\n\nLettre {number}.\n",
                    "content_hash": f"{number}",
                    "parts": None, "created_at": now,
                }
            )  # fmt: skip
            deliveries.append(
                {
                    "id": new_id("dlv"), "organisation_id": organisation_id,
                    "letter_id": letter_id, "channel": "email", "due_at": due_at or now,
                    "attempts": 0,
                    "created_at": now, **destination_of(recipient, "email"),
                }
            )  # fmt: skip
    for table, rows in ((Action, actions), (Letter, letters), (Delivery, deliveries)):
        session.execute(insert(table.__table__), rows)  # type: ignore[arg-type]
    session.commit()
