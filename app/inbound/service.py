"""Mail that comes back: found by the address it was sent to (VERP), classified, recorded,
and its effect on the letter made in one transaction with the letter's event.

A permanent failure of a sent letter makes it `bounced` with the reason (and
`letter.bounced`); a temporary one is noted and the letter stays `sent`; an auto-reply is
noted as such and never counts as a bounce. A bounce of an email about an action (the
supporter's copy, a confirmation) is noted against the action."""

import email
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import Message
from functools import partial

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.inbound.addresses import id_of_bounce_address, id_of_reply_address
from app.inbound.classify import Verdict, classify
from app.inbound.fallback import fall_back
from app.inbound.models import InboundMessage, Reply
from app.inbound.replies import Send, take_reply
from app.letters import lifecycle
from app.letters.events import record_letter_event
from app.letters.lifecycle import LetterStatus
from app.letters.models import REDACTED, Action, Letter
from app.settings import Settings

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


def addressed_ids(
    message: Message, recipients: Iterable[str], id_of: Callable[[str], str | None]
) -> list[str]:
    """The ids our addresses (read by `id_of`) among the envelope recipients name, else
    those of the delivery headers an MTA added."""
    found = [i for r in recipients if (i := id_of(r)) is not None]
    if found:
        return found
    headers = [str(v) for name in DELIVERED_TO_HEADERS for v in message.get_all(name, [])]
    return [i for h in headers if (i := id_of(h)) is not None]


def receive(
    session: Session,
    settings: Settings,
    raw: bytes,
    recipients: Iterable[str] = (),
    send: Send | None = None,
) -> Outcome:
    """Take one message as it arrived (bytes) and the envelope recipients if known: a
    reply to a letter's reply address (forwarded by `send`), or what came back to a
    return path."""
    message = parse(raw)
    recipients = list(recipients)
    replied_to = addressed_ids(message, recipients, partial(id_of_reply_address, settings))
    if replied_to:
        return _reply(session, settings, raw, replied_to[0], send)
    ids = addressed_ids(message, recipients, partial(id_of_bounce_address, settings))
    if not ids:
        log.info("inbound message for none of our addresses dropped")
        return Outcome("unknown")
    verdict = classify(message)
    about = ids[0]
    if about.startswith("ltr_"):
        return _about_letter(session, about, verdict)
    if about.startswith("dgs_"):
        return _about_digest(session, about, verdict)
    return _about_action(session, about, verdict)


def _reply(
    session: Session, settings: Settings, raw: bytes, letter_id: str, send: Send | None
) -> Outcome:
    if session.scalar(select(Letter.id).where(Letter.id == letter_id)) is None:
        return Outcome("unknown")
    try:
        kind, status = take_reply(session, settings, raw, letter_id, send)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    log.info("inbound reply (%s) to letter %s", kind, letter_id)
    return Outcome(f"reply_{kind}", letter_id, letter_status=status)


def _about_letter(session: Session, letter_id: str, verdict: Verdict) -> Outcome:
    # Locked and read afresh: a session that held the letter before must not decide on
    # what it remembered of it.
    locked = select(Letter).where(Letter.id == letter_id).with_for_update()
    letter = session.scalar(locked.execution_options(populate_existing=True))
    if letter is None:  # deleted with its organisation since
        session.rollback()
        return Outcome("unknown")
    fallback = _note_about_letter(session, letter, verdict)
    status = session.scalar(select(Letter.status).where(Letter.id == letter.id))
    session.commit()
    log.info("inbound %s for letter %s", verdict.kind, letter_id)
    return Outcome(verdict.kind, letter_id, letter.action_id, status, verdict.reason, fallback)


def _about_digest(session: Session, digest_id: str, verdict: Verdict) -> Outcome:
    """A daily digest (app.delivery.digests) carried several letters to one office: what
    came back about it is about each of them."""
    letters = list(
        session.scalars(
            select(Letter)
            .where(Letter.digest_id == digest_id)
            .order_by(Letter.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    if not letters:
        session.rollback()
        return Outcome("unknown")
    for letter in letters:
        _note_about_letter(session, letter, verdict)
    session.commit()
    log.info("inbound %s for digest %s (%d letters)", verdict.kind, digest_id, len(letters))
    return Outcome(verdict.kind, reason=verdict.reason)


def _note_about_letter(session: Session, letter: Letter, verdict: Verdict) -> str | None:
    """Record what came back about a sent letter, in the caller's transaction: a
    permanent failure bounces it (announced, then its campaign's fallback, whose name
    this answers)."""
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
    if verdict.kind == "bounce" and letter.status == LetterStatus.SENT:
        bounced = session.execute(lifecycle.bounce(letter.id, verdict.reason or ""))
        if bounced.rowcount:  # type: ignore[attr-defined]
            record_letter_event(session, letter.organisation_id, letter.id, "letter.bounced")
            fallback = fall_back(session, letter)
    return fallback


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


def replies_to(session: Session, letter_ids: list[str]) -> dict[str, list[Reply]]:
    """The replies captured for these letters, oldest first (the supporter's export)."""
    found: dict[str, list[Reply]] = {}
    if letter_ids:
        for reply in session.scalars(
            select(Reply).where(Reply.letter_id.in_(letter_ids)).order_by(Reply.received_at)
        ):
            found.setdefault(reply.letter_id, []).append(reply)
    return found


def redact_inbound(session: Session, letter_ids: list[str], action_ids: list[str]) -> int:
    """What came back about these letters and actions, at erasure and retention: the
    recorded reasons (a bounce of the supporter's copy quotes their address), and the
    words of the replies (written to the supporter). The records (kind, sender, dates)
    stay, as the letter's state does."""
    if not letter_ids and not action_ids:
        return 0
    session.execute(
        update(Reply)
        .where(Reply.letter_id.in_(letter_ids), Reply.scrubbed_at.is_(None))
        .values(subject=REDACTED, body_text=REDACTED, scrubbed_at=utcnow())
    )
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
