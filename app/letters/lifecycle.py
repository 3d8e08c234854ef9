"""A letter's states and every move between them, in one place. Each move is one
UPDATE whose WHERE names the states it may start from, so two parties racing for a
letter (a worker claiming it, a supporter cancelling it, an erasure) cannot both win:
the one whose statement finds the letter still in a starting state does.

    pending_confirmation ─confirm→ queued ─claim→ sending ─sent→ sent
          │                   │  ↑                  │ └─retry→ queued
          │                   │  └──────release─────┘ └─fail→ failed
          └─expire→ expired   ├─batch→ batched ─mail→ mailed
                              ├─print by hand→ printed (an event's kit; app.events)
                              │                  └─give back→ queued
       queued or sending ─hold→ held_for_review (a role changed hands; letters.readdressing)
                                held_for_review ─release→ queued (re-addressed to the holder)
       (pending, queued or held) ─cancel→ cancelled
       sent ─bounce→ bounced (the official's server sent it back; app.inbound)

A letter to an office that takes a daily digest moves the same way: its digest's claim
takes it `sending`, and the digest's outcome moves it (app.delivery.digests).

A queued letter may be held: it leaves (claim, batch) only once its `hold_until` has
passed, the campaign's `hold_minutes` after it could first go (written, or confirmed).
Until then its supporter may still stop it (cancel) from their letters' page. The window
is a time, not a state: nothing has to wake up to end it.
"""

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Update, or_, update
from sqlalchemy.orm import Session

from app.db import utcnow
from app.letters.models import Letter
from app.settings import Settings


class LetterStatus(StrEnum):
    PENDING_CONFIRMATION = "pending_confirmation"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BATCHED = "batched"
    PRINTED = "printed"
    MAILED = "mailed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    # A letter to a role whose holder changed (or that nobody holds) before it left, on a
    # campaign that holds such letters for review (letters.readdressing).
    HELD_FOR_REVIEW = "held_for_review"
    # The official's server sent an email letter back for good (app.inbound).
    BOUNCED = "bounced"


S = LetterStatus
# Every move a letter may make: the only ones the functions below write.
MOVES: dict[LetterStatus, frozenset[LetterStatus]] = {
    S.PENDING_CONFIRMATION: frozenset({S.QUEUED, S.CANCELLED, S.EXPIRED}),
    S.QUEUED: frozenset({S.SENDING, S.BATCHED, S.PRINTED, S.CANCELLED, S.HELD_FOR_REVIEW}),
    # `sending` to `sending`: a worker takes over a letter whose lease ran out.
    S.SENDING: frozenset({S.SENDING, S.SENT, S.QUEUED, S.FAILED, S.HELD_FOR_REVIEW}),
    S.HELD_FOR_REVIEW: frozenset({S.QUEUED, S.CANCELLED}),
    S.BATCHED: frozenset({S.QUEUED, S.MAILED, S.CANCELLED}),
    S.SENT: frozenset({S.BOUNCED}),
    S.BOUNCED: frozenset(),
    S.FAILED: frozenset(),
    S.PRINTED: frozenset(),
    S.MAILED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}
CANCELLABLE = (S.PENDING_CONFIRMATION, S.QUEUED, S.HELD_FOR_REVIEW)
# Nothing more will happen to these: retention may scrub them.
DONE = (S.SENT, S.PRINTED, S.MAILED, S.FAILED, S.CANCELLED, S.EXPIRED, S.BOUNCED)


def move(
    where: ColumnElement[bool],
    starts: Collection[LetterStatus],
    to: LetterStatus,
    **values: Any,
) -> Update:
    """The statement moving the letters `where` selects from one of `starts` to `to`."""
    for start in starts:
        if to not in MOVES[start]:
            raise ValueError(f"a letter cannot go from {start} to {to}")
    return update(Letter).where(where, Letter.status.in_(starts)).values(_moved(to, **values))


def _moved(to: LetterStatus, **values: Any) -> dict[str, Any]:
    """A move's new values: every move stamps `updated_at`, which lists sync by."""
    return {"status": to, "updated_at": utcnow(), **values}


def status_at_creation(confirm_email: bool) -> LetterStatus:
    return S.PENDING_CONFIRMATION if confirm_email else S.QUEUED


def hold_until(hold_minutes: int, now: datetime) -> datetime | None:
    """When a letter that may go at `now` leaves, at the earliest; None: at once."""
    return now + timedelta(minutes=hold_minutes) if hold_minutes > 0 else None


def hold_over(now: datetime) -> ColumnElement[bool]:
    """The letters whose hold window (if any) has passed: only these may leave."""
    return or_(Letter.hold_until.is_(None), Letter.hold_until <= now)


def is_held(letter: Letter, now: datetime) -> bool:
    """Queued and still in its hold window: stoppable, and not yet due."""
    return letter.status == S.QUEUED and letter.hold_until is not None and letter.hold_until > now


def confirm(action_id: str, until: datetime | None) -> Update:
    """The supporter confirmed: the letters are queued, held `until` (the campaign's window)."""
    return move(Letter.action_id == action_id, [S.PENDING_CONFIRMATION], S.QUEUED, hold_until=until)


def cancel(where: ColumnElement[bool]) -> Update:
    return move(where, CANCELLABLE, S.CANCELLED)


def take_for_sending(letter_ids: Collection[str], now: datetime) -> Update:
    # `sending` too: its worker's lease ran out (the claim's due query saw to that).
    # A letter still in its hold window is not taken, whatever its delivery says.
    where = Letter.id.in_(letter_ids) & hold_over(now)
    return move(where, [S.QUEUED, S.SENDING], S.SENDING).returning(Letter.id)


def take_digests_for_sending(digest_ids: Collection[str], now: datetime) -> Update:
    """The letters of daily digests whose email a worker claimed (app.delivery.digests):
    `sending`, so no longer stoppable; one stopped before this is not taken, and is not
    in the digest's email."""
    where = Letter.digest_id.in_(digest_ids) & hold_over(now)
    return move(where, [S.QUEUED, S.SENDING], S.SENDING).returning(Letter.id)


def record_digest_outcome(
    digest_id: str, letter_ids: Collection[str], kind: str, error: str | None, now: datetime
) -> Update:
    """A digest's email was `sent` (its letters `letter_ids` with it), will be tried
    again (`retry`: they wait, still in it) or `failed`; recorded under its delivery's
    lease, so its letters are `sending`. Answers (id, campaign id) of those moved."""
    where = Letter.digest_id == digest_id
    moves: dict[str, tuple[ColumnElement[bool], LetterStatus, dict[str, object]]] = {
        "sent": (where & Letter.id.in_(letter_ids), S.SENT, {"sent_at": now}),
        "retry": (where, S.QUEUED, {}),
        "failed": (where, S.FAILED, {"failed_reason": error}),
    }
    chosen, to, values = moves[kind]
    return move(chosen, [S.SENDING], to, **values).returning(Letter.id, Letter.campaign_id)


def give_back_unsent(where: ColumnElement[bool]) -> Update:
    return move(where, [S.SENDING], S.QUEUED)


def record_sending_outcome(
    letter_ids: Collection[str], kind: str, error: str | None, now: datetime
) -> Update:
    """`kind` is the outcome of the letters' delivery attempts: sent, retry or failed."""
    outcomes: dict[str, tuple[LetterStatus, dict[str, object]]] = {
        "sent": (S.SENT, {"sent_at": now, "failed_reason": None}),
        "retry": (S.QUEUED, {}),
        "failed": (S.FAILED, {"failed_reason": error}),
    }
    to, values = outcomes[kind]
    # Recorded under the deliveries' leases (so the letters are `sending`), by id alone.
    return update(Letter).where(Letter.id.in_(letter_ids)).values(_moved(to, **values))


def hold_for_review(letter_id: str, reason: str) -> Update:
    """Checked again as it is sent (email) or batched (print), from either state."""
    return move(
        Letter.id == letter_id, [S.QUEUED, S.SENDING], S.HELD_FOR_REVIEW, held_reason=reason
    )


def bounce(letter_id: str, reason: str) -> Update:
    """A permanent failure reported after the letter was sent (a bounce); only once."""
    return move(Letter.id == letter_id, [S.SENT], S.BOUNCED, failed_reason=reason)


def release_from_review(letter_id: str) -> Update:
    """Someone decided: the held letter goes (to the role's holder now; letters.readdressing)."""
    return move(Letter.id == letter_id, [S.HELD_FOR_REVIEW], S.QUEUED, held_reason=None)


def batch_for_print(letter_ids: Collection[str], batch_id: str, now: datetime) -> Update:
    where = Letter.id.in_(letter_ids) & hold_over(now)
    return move(where, [S.QUEUED], S.BATCHED, print_batch_id=batch_id)


def give_back_from_batch(batch_id: str) -> Update:
    """A batch that could not be built frees its letters for the next one (those still
    in it are `batched`: an erased one left it)."""
    return (
        update(Letter)
        .where(Letter.print_batch_id == batch_id)
        .values(_moved(S.QUEUED, print_batch_id=None))
    )


def print_by_hand(where: ColumnElement[bool], now: datetime) -> Update:
    """An event's letters printed in its kit, to be signed and posted by hand: the
    service hands them over (`sent_at`) and follows them no further."""
    return move(where, [S.QUEUED], S.PRINTED, sent_at=now)


def mail(batch_id: str, now: datetime) -> Update:
    return move(Letter.print_batch_id == batch_id, [S.BATCHED], S.MAILED, sent_at=now)


def expire_unconfirmed(session: Session, settings: Settings) -> int:
    """Letters whose supporter did not confirm in time are not sent: `expired`."""
    cutoff = utcnow() - timedelta(days=settings.confirmation_days)
    expired = session.execute(move(Letter.created_at < cutoff, [S.PENDING_CONFIRMATION], S.EXPIRED))
    session.commit()
    return int(expired.rowcount)  # type: ignore[attr-defined]
