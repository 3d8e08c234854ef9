"""Mail that comes back: found by the address it was sent to (VERP), classified, recorded,
and its effect on the letter made in one transaction with the letter's event.

A permanent failure of a sent letter makes it `bounced` with the reason (and
`letter.bounced`); a temporary one is noted and the letter stays `sent`; an auto-reply is
noted as such and never counts as a bounce. A bounce of an email about an action (the
supporter's copy, a confirmation) is noted against the action."""

import email
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.inbound.addresses import id_of_bounce_address
from app.inbound.classify import Verdict, classify
from app.inbound.fallback import fall_back
from app.inbound.models import InboundMessage
from app.letters.models import REDACTED, Action, Letter
from app.settings import Settings
from app.webhooks.service import record_letter_event

log = logging.getLogger("letterdesk.inbound")

# Headers an MTA adds that name the address a message was delivered to, when the
# envelope is not given (a .forward or a pipe without ${recipient}).
DELIVERED_TO_HEADERS = ("delivered-to", "x-original-to", "envelope-to")


@dataclass(frozen=True)
class Outcome:
    """What became of one inbound message: `kind` as classified, or `unknown` when no
    address of ours named a letter or action; the letter's status after it."""

    kind: str
    letter_id: str | None = None
    action_id: str | None = None
    letter_status: str | None = None
    reason: str | None = None
    # The print letter queued in its place, where the campaign says so.
    fallback_letter_id: str | None = None


def parse(raw: bytes) -> Message:
    """The stdlib's lenient reader: mail from other systems is often not well formed."""
    return email.message_from_bytes(raw)


def addressed_ids(settings: Settings, message: Message, recipients: Iterable[str]) -> list[str]:
    """The ids our addresses among the envelope recipients name, else those of the
    delivery headers an MTA added."""
    found = [i for r in recipients if (i := id_of_bounce_address(settings, r)) is not None]
    if found:
        return found
    headers = [str(v) for name in DELIVERED_TO_HEADERS for v in message.get_all(name, [])]
    return [i for h in headers if (i := id_of_bounce_address(settings, h)) is not None]


def receive(
    session: Session, settings: Settings, raw: bytes, recipients: Iterable[str] = ()
) -> Outcome:
    """Take one message as it arrived (bytes) and the envelope recipients if known."""
    message = parse(raw)
    ids = addressed_ids(settings, message, recipients)
    if not ids:
        log.info("inbound message for none of our addresses dropped")
        return Outcome("unknown")
    verdict = classify(message)
    about = ids[0]
    if about.startswith("ltr_"):
        return _about_letter(session, about, verdict)
    return _about_action(session, about, verdict)


def _about_letter(session: Session, letter_id: str, verdict: Verdict) -> Outcome:
    letter = session.scalar(select(Letter).where(Letter.id == letter_id).with_for_update())
    if letter is None:  # deleted with its organisation since
        session.rollback()
        return Outcome("unknown")
    session.add(
        InboundMessage(
            organisation_id=letter.organisation_id,
            letter_id=letter.id,
            action_id=letter.action_id,
            kind=verdict.kind,
            reason=verdict.reason,
        )
    )
    fallback = None
    if verdict.kind == "bounce" and letter.status == "sent":
        bounced = session.execute(
            update(Letter)
            .where(Letter.id == letter.id, Letter.status == "sent")
            .values(status="bounced", failed_reason=verdict.reason)
        )
        if bounced.rowcount:  # type: ignore[attr-defined]
            record_letter_event(session, letter.organisation_id, letter.id, "letter.bounced")
            fallback = fall_back(session, letter)
    status = session.scalar(select(Letter.status).where(Letter.id == letter.id))
    session.commit()
    log.info("inbound %s for letter %s", verdict.kind, letter_id)
    return Outcome(verdict.kind, letter_id, letter.action_id, status, verdict.reason, fallback)


def _about_action(session: Session, action_id: str, verdict: Verdict) -> Outcome:
    organisation_id = session.scalar(select(Action.organisation_id).where(Action.id == action_id))
    if organisation_id is None:
        return Outcome("unknown")
    session.add(
        InboundMessage(
            organisation_id=organisation_id,
            action_id=action_id,
            kind=verdict.kind,
            reason=verdict.reason,
        )
    )
    session.commit()
    log.info("inbound %s for action %s", verdict.kind, action_id)
    return Outcome(verdict.kind, action_id=action_id, reason=verdict.reason)


def redact_inbound(session: Session, letter_ids: list[str], action_ids: list[str]) -> int:
    """The reasons recorded for mail that came back about these letters and actions, at
    erasure and retention: a bounce of the supporter's copy quotes their address. The
    records (kind and date) stay, as the letter's state does."""
    if not letter_ids and not action_ids:
        return 0
    redacted = session.execute(
        update(InboundMessage)
        .where(
            or_(
                InboundMessage.letter_id.in_(letter_ids),
                InboundMessage.action_id.in_(action_ids),
            ),
            InboundMessage.reason.is_not(None),
            InboundMessage.reason != REDACTED,
        )
        .values(reason=REDACTED)
    )
    return int(redacted.rowcount)  # type: ignore[attr-defined]
