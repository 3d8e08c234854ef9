"""Queued letters made fast, straight into the tables, for measuring delivery at scale
(the delivery tests use them too: bench never imports tests)."""

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.db import utcnow
from app.delivery.models import Delivery
from app.ids import new_id
from app.letters.models import Action, Letter


def queue_letters(
    session: Session,
    organisation_id: str,
    campaign_id: str,
    count: int,
    email: str = "mp@example.org",
) -> list[str]:
    """`count` queued email letters, each from its own supporter; answers their ids."""
    now = utcnow()
    actions, letters, deliveries = [], [], []
    for number in range(count):
        action_id, letter_id = new_id("act"), new_id("ltr")
        actions.append(
            {
                "id": action_id, "organisation_id": organisation_id, "campaign_id": campaign_id,
                "first_name": "Amélie", "last_name": f"Tremblay {number}",
                "email": f"s{number}@example.org", "email_key": f"s{number}@example.org",
                "street_address": "1 Rue", "city": "Gatineau", "province": "QC",
                "postal_code": "J8X 1A1", "phone": None, "language": "fr",
                "intro": "Intro.", "concern": None, "ask": None, "intro_hash": f"{number}",
                "consent_to_contact": False, "created_at": now,
            }
        )  # fmt: skip
        letters.append(
            {
                "id": letter_id, "organisation_id": organisation_id, "campaign_id": campaign_id,
                "action_id": action_id, "recipient_id": None,
                "recipient": {"display_name": "Marc Miller", "email": email},
                "channel": "email", "status": "queued", "language": "fr",
                "subject": f"Lettre {number}", "salutation": "Bonjour,",
                "body_text": f"Bonjour,\n\nLettre numéro {number}.\n",
                "content_hash": f"{number}",
                "parts": None, "created_at": now, "sent_at": None, "failed_reason": None,
            }
        )  # fmt: skip
        deliveries.append(
            {
                "id": new_id("dlv"), "organisation_id": organisation_id, "letter_id": letter_id,
                "channel": "email", "due_at": now, "attempts": 0, "leased_until": None,
                "leased_by": None, "created_at": now,
            }
        )  # fmt: skip
    for table, rows in ((Action, actions), (Letter, letters), (Delivery, deliveries)):
        session.execute(insert(table.__table__), rows)  # type: ignore[arg-type]
    session.commit()
    return [str(row["id"]) for row in letters]
