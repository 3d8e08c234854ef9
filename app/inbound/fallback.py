"""What follows a bounced letter, as its campaign says (`on_bounce`): nothing; the same
letter, word for word, queued for print to the recipient's postal address; or emailed to
another address of the same recipient (an office's own), else printed. The bounced
letter stays as it is (its state and reason are what happened); what follows is a new
letter of the same action, in the same transaction as the bounce."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.db import utcnow
from app.delivery.models import Delivery
from app.delivery.pacing import destination_of
from app.directory.models import Recipient
from app.ids import new_id
from app.letters.lifecycle import LetterStatus
from app.letters.models import Letter

# Copied from the bounced letter as they are: the words, the recipient as addressed, the
# rendered parts the PDF lays out.
_SAME = (
    "organisation_id", "campaign_id", "action_id", "recipient_id", "recipient", "language",
    "subject", "salutation", "body_text", "content_hash", "parts",
)  # fmt: skip


def fall_back(session: Session, letter: Letter) -> str | None:
    """Queue the letter the campaign asks for after a bounce; answers its id, or None when
    the campaign asks for nothing, nothing is left to try, or the letter's words were
    erased."""
    on_bounce = session.scalar(select(Campaign.on_bounce).where(Campaign.id == letter.campaign_id))
    if on_bounce in (None, "nothing") or letter.scrubbed_at is not None:
        return None
    if on_bounce in ("other_email", "other_email_or_print"):
        address = _untried_address(session, letter)
        if address is not None:
            return _queue_copy(session, letter, "email", letter.recipient | {"email": address})
    printable = bool(letter.recipient.get("addresses") and letter.parts)
    if on_bounce in ("print", "other_email_or_print") and printable:
        return _queue_copy(session, letter, "print", letter.recipient)
    return None


def _untried_address(session: Session, letter: Letter) -> str | None:
    """The first office email of the letter's recipient (as the directory has it now,
    else as the letter addressed it) that no letter of the action to them went to yet."""
    addresses = letter.recipient.get("addresses") or []
    if letter.recipient_id is not None:
        current = session.get(Recipient, letter.recipient_id)
        if current is not None and current.retired_at is None:
            addresses = current.addresses or []
    tried = {
        str(recipient.get("email") or "").casefold()
        for recipient in session.scalars(
            select(Letter.recipient).where(
                Letter.action_id == letter.action_id,
                Letter.recipient_id == letter.recipient_id,
                Letter.channel == "email",
            )
        )
    }
    for address in addresses:
        email = address.get("email")
        if email and str(email).casefold() not in tried:
            return str(email)
    return None


def _queue_copy(session: Session, letter: Letter, channel: str, recipient: dict[str, Any]) -> str:
    copy = Letter(
        id=new_id("ltr"),
        channel=channel,
        status=LetterStatus.QUEUED,
        **{name: getattr(letter, name) for name in _SAME if name != "recipient"},
        recipient=recipient,
    )
    copy.delivery = Delivery(
        organisation_id=letter.organisation_id,
        channel=channel,
        due_at=utcnow(),
        attempts=0,
        **destination_of(recipient, channel),
    )
    session.add(copy)
    return copy.id
