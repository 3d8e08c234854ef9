"""What follows a bounced letter, as its campaign says (`on_bounce`): nothing, or the same
letter, word for word, queued for print to the recipient's postal address. The bounced
letter stays as it is (its state and reason are what happened); the print letter is a
new one of the same action, in the same transaction as the bounce."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.db import utcnow
from app.delivery.models import Delivery
from app.ids import new_id
from app.letters.lifecycle import LetterStatus
from app.letters.models import Letter

# Copied from the bounced letter as they are: the words, the recipient as addressed, the
# rendered parts the PDF lays out.
_SAME = (
    "organisation_id", "campaign_id", "action_id", "recipient_id", "recipient", "language",
    "subject", "salutation", "body_text", "body_html", "content_hash", "parts",
)  # fmt: skip


def fall_back(session: Session, letter: Letter) -> str | None:
    """Queue the print letter the campaign asks for; answers its id, or None when the
    campaign asks for nothing, the recipient has no postal address, or the letter's
    words were erased."""
    on_bounce = session.scalar(select(Campaign.on_bounce).where(Campaign.id == letter.campaign_id))
    if on_bounce != "print" or letter.scrubbed_at is not None:
        return None
    if not letter.recipient.get("addresses") or not letter.parts:
        return None
    printed = Letter(
        id=new_id("ltr"),
        channel="print",
        status=LetterStatus.QUEUED,
        **{name: getattr(letter, name) for name in _SAME},
    )
    printed.delivery = Delivery(
        organisation_id=letter.organisation_id, channel="print", due_at=utcnow(), attempts=0
    )
    session.add(printed)
    return printed.id
