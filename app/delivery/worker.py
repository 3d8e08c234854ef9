"""`letterdesk worker`: claims due email deliveries and sends them.

Claiming takes a lease on each delivery in one short transaction (on PostgreSQL with
FOR UPDATE SKIP LOCKED, so any number of workers on any number of hosts share one
database without taking the same row; on SQLite, one worker). Sending happens outside
any transaction; its outcome is then recorded, with the attempt, only if this worker
still holds the lease. A worker that dies leaves leases that run out, and the
deliveries are claimed again: delivery is at least once, and the stable Message-ID lets
a receiver drop the rare duplicate (a crash between the server's accept and our commit).
"""

import logging
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.constituents.service import apply_retention
from app.db import utcnow
from app.delivery.email import (
    EmailBackend,
    Envelope,
    PermanentFailure,
    TemporaryFailure,
    UnsafeMessage,
    confirmation_message,
    copy_message,
    letter_message,
)
from app.delivery.models import Delivery, DeliveryAttempt
from app.idempotency.service import purge_expired as purge_expired_idempotency_keys
from app.ids import new_id
from app.letters.models import Action, Letter
from app.letters.repeats import notice_message, purge_notice_windows
from app.settings import Settings
from app.webhooks.sending import WebhookSender
from app.webhooks.service import purge_old_events as purge_old_webhook_events
from app.webhooks.service import record_letter_event

log = logging.getLogger("letterdesk.worker")

RETENTION_EVERY_SECONDS = 60.0
# Expired idempotency keys and old webhook events deleted per pass; a full pass is
# followed by another at once, so a flood is cleared as fast as it came.
PURGE_BATCH = 500


def worker_name() -> str:
    """Unique among workers: in containers the host name and pid may repeat."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


CHANNELS = ("email", "confirmation", "notice")


def claim_due_deliveries(
    session: Session,
    worker: str,
    limit: int,
    lease_seconds: float,
    channels: tuple[str, ...] = CHANNELS,
) -> list[str]:
    """Lease up to `limit` due deliveries of `channels` to `worker`, and mark their letters
    `sending`. A letter is claimed only while queued (or sending under an expired lease),
    in the same statement that changes it, so a cancellation that got there first wins.
    Answers the deliveries' ids."""
    now = utcnow()
    due = (
        select(Delivery.id, Delivery.letter_id)
        .where(
            Delivery.channel.in_(channels),
            Delivery.due_at <= now,
            or_(Delivery.leased_until.is_(None), Delivery.leased_until < now),
        )
        .order_by(Delivery.due_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    letters_by_delivery = {row.id: row.letter_id for row in session.execute(due)}
    if not letters_by_delivery:
        session.commit()
        return []
    letter_ids = [letter_id for letter_id in letters_by_delivery.values() if letter_id]
    sending = (
        set(
            session.scalars(
                update(Letter)
                .where(
                    Letter.id.in_(letter_ids),
                    # `sending` too: its worker's lease ran out (the due query saw to that).
                    Letter.status.in_(("queued", "sending")),
                )
                .values(status="sending")
                .returning(Letter.id)
            )
        )
        if letter_ids
        else set()
    )
    claimed = [
        d
        for d, letter_id in letters_by_delivery.items()
        if letter_id is None or letter_id in sending
    ]
    stale = [d for d in letters_by_delivery if d not in claimed]
    if claimed:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(claimed))
            .values(leased_until=now + timedelta(seconds=lease_seconds), leased_by=worker)
        )
    if stale:  # their letters were cancelled or are waiting: nothing is due any more
        session.execute(update(Delivery).where(Delivery.id.in_(stale)).values(due_at=None))
    session.commit()
    return claimed


def expire_unconfirmed(session: Session, settings: Settings) -> int:
    """Letters whose supporter did not confirm in time are not sent: `expired`."""
    cutoff = utcnow() - timedelta(days=settings.confirmation_days)
    expired = session.execute(
        update(Letter)
        .where(Letter.status == "pending_confirmation", Letter.created_at < cutoff)
        .values(status="expired")
    )
    session.commit()
    return int(expired.rowcount)  # type: ignore[attr-defined]


def backoff(attempts: int, settings: Settings) -> timedelta:
    """Exponential, capped, with jitter so that retries of many letters spread out."""
    delay = min(
        settings.delivery_backoff_max_seconds,
        settings.delivery_backoff_seconds * 2 ** max(0, attempts - 1),
    )
    return timedelta(seconds=delay * random.uniform(0.5, 1.5))


@dataclass
class Outcome:
    kind: str  # sent | retry | failed
    error: str | None = None


def record_outcome(
    session: Session,
    delivery_id: str,
    worker: str,
    started_at: datetime,
    outcome: Outcome,
    settings: Settings,
) -> bool:
    """Write the attempt and its effect on the delivery and the letter, if `worker`
    still holds the lease (another worker took over an expired one: theirs to record).
    The lease's check and release are one statement."""
    now = utcnow()
    held = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.leased_by == worker)
        .values(attempts=Delivery.attempts + 1, leased_until=None, leased_by=None, due_at=None)
        .returning(Delivery.attempts, Delivery.letter_id)
    ).one_or_none()
    if held is None:
        session.rollback()
        return False
    attempts, letter_id = held
    kind = outcome.kind
    if kind == "retry" and attempts >= settings.delivery_max_attempts:
        kind = "failed"
    if kind == "retry":
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id)
            .values(due_at=now + backoff(attempts, settings))
        )
    session.execute(
        insert(DeliveryAttempt).values(
            id=new_id("att"),
            delivery_id=delivery_id,
            worker=worker,
            started_at=started_at,
            finished_at=now,
            outcome=kind,
            error=outcome.error,
        )
    )
    if letter_id is not None:  # a confirmation email has no letter to change
        _record_on_letter(session, letter_id, kind, outcome.error, now)
    session.commit()
    return True


def _record_on_letter(
    session: Session, letter_id: str, kind: str, error: str | None, now: datetime
) -> None:
    outcomes: dict[str, dict[str, object]] = {
        "sent": {"status": "sent", "sent_at": now, "failed_reason": None},
        "retry": {"status": "queued"},
        "failed": {"status": "failed", "failed_reason": error},
    }
    values = outcomes[kind]
    campaign_id, organisation_id = session.execute(
        update(Letter)
        .where(Letter.id == letter_id)
        .values(**values)
        .returning(Letter.campaign_id, Letter.organisation_id)
    ).one()
    if kind == "sent":
        session.execute(
            update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(sent_count=Campaign.sent_count + 1)
        )
    if kind != "retry":  # in the same transaction as the letter's new state
        record_letter_event(
            session,
            organisation_id,
            letter_id,
            "letter.sent" if kind == "sent" else "letter.failed",
        )


def renew_lease(
    session: Session, delivery_id: str, worker: str, lease_seconds: float
) -> str | None:
    """Extend `worker`'s lease on a delivery it still holds, just before sending it;
    answers the delivery's channel, or None when the lease was lost."""
    now = utcnow()
    channel = session.scalar(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.leased_by == worker,
            Delivery.leased_until > now,
        )
        .values(leased_until=now + timedelta(seconds=lease_seconds))
        .returning(Delivery.channel)
    )
    session.commit()
    return channel


def release(session: Session, delivery_ids: list[str], worker: str) -> None:
    """Give back leases not used (a stopping worker): due again at once, untried."""
    if not delivery_ids:
        return
    mine = and_(Delivery.id.in_(delivery_ids), Delivery.leased_by == worker)
    letter_ids = select(Delivery.letter_id).where(mine)
    session.execute(
        update(Letter)
        .where(Letter.id.in_(letter_ids), Letter.status == "sending")
        .values(status="queued")
    )
    session.execute(update(Delivery).where(mine).values(leased_until=None, leased_by=None))
    session.commit()


def _let_go(session: Session) -> None:
    """End the transaction before a message travels, keeping what was read: nothing is
    held in the database, and nothing is read again, while a server takes its time."""
    session.expunge_all()
    session.rollback()


def _sent_by(backend: EmailBackend, build: Callable[[], tuple[EmailMessage, Envelope]]) -> Outcome:
    """Build the message and send it. A message that does not build safely (its headers did
    not read back as written) fails for good, with the reason, and nothing is sent."""
    try:
        backend.send(*build())
    except TemporaryFailure as error:
        return Outcome("retry", str(error))
    except PermanentFailure as error:
        return Outcome("failed", str(error))
    return Outcome("sent")


# An erasure that came while a worker held the letter: it is not sent without its words.
ERASED = "the supporter's personal data was erased before it could be sent"


def send_confirmation(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    action, title, organisation = session.execute(
        select(Action, Campaign.title, Organisation.name_in_email)
        .join(Delivery, Delivery.action_id == Action.id)
        .join(Campaign, Campaign.id == Action.campaign_id)
        .join(Organisation, Organisation.id == Action.organisation_id)
        .where(Delivery.id == delivery_id)
    ).one()
    letters = session.scalar(select(func.count()).where(Letter.action_id == action.id)) or 0
    _let_go(session)
    if action.scrubbed_at is not None:
        return Outcome("failed", ERASED)
    campaign_title = str(title.get(action.language) or next(iter(title.values())))
    return _sent_by(
        backend,
        lambda: confirmation_message(action, campaign_title, letters, settings, organisation),
    )


def send_notice(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    """The notice to an address that someone acted again with (letters.repeats)."""
    action = session.execute(
        select(Action)
        .join(Delivery, Delivery.action_id == Action.id)
        .where(Delivery.id == delivery_id)
    ).scalar_one()
    if action.scrubbed_at:
        _let_go(session)
        return Outcome("failed", ERASED)
    try:
        built = notice_message(session, delivery_id, action, settings)
    except UnsafeMessage as error:
        _let_go(session)
        return Outcome("failed", str(error))
    _let_go(session)
    return _sent_by(backend, lambda: built)


def send_email(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    row = session.execute(
        select(
            Letter,
            Action,
            Campaign.copy_to_supporter,
            Organisation.name_in_email,
            Campaign.reply_capture,
        )
        .join(Delivery, Delivery.letter_id == Letter.id)
        .join(Action, Action.id == Letter.action_id)
        .join(Campaign, Campaign.id == Letter.campaign_id)
        .join(Organisation, Organisation.id == Letter.organisation_id)
        .where(Delivery.id == delivery_id)
    ).one()
    letter, action, copy_to_supporter, organisation, reply_capture = row
    _let_go(session)
    if letter.scrubbed_at is not None or action.scrubbed_at is not None:
        return Outcome("failed", ERASED)
    if not letter.recipient.get("email") and not settings.email_test_recipient:
        return Outcome("failed", "the recipient has no email address")
    outcome = _sent_by(
        backend, lambda: letter_message(letter, action, settings, organisation, reply_capture)
    )
    if outcome.kind == "sent" and copy_to_supporter:
        try:
            backend.send(*copy_message(letter, action, settings, organisation))
        except Exception as error:
            # The letter went; a copy that did not is said in the log, not retried.
            log.warning("the copy of letter %s to its supporter failed: %s", letter.id, error)
    return outcome


class Worker:
    """Claims batches and sends them concurrently; `stop()` (SIGTERM) lets the sends in
    flight finish and be recorded, and gives back what was claimed but not started."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        backend: EmailBackend,
        settings: Settings,
        name: str | None = None,
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.settings = settings
        self.name = name or worker_name()
        self.stopping = threading.Event()
        self.sent = 0
        self.idle = False  # the last claim found nothing due
        self.retention_due = 0.0  # monotonic time of the next retention pass
        self.webhooks = WebhookSender(
            sessions, settings, self.name, self.stopping, lambda n: backoff(n, settings)
        )

    def stop(self) -> None:
        self.stopping.set()

    def run(self, until: Callable[[], bool] = lambda: False) -> None:
        """Claim and send until stopped. A database that fails (a restart, a deadlock) is
        waited out and tried again: the worker outlives it."""
        threads = max(1, self.settings.smtp_connections)
        pause = self.settings.worker_poll_seconds
        with ThreadPoolExecutor(threads, thread_name_prefix="send") as pool:
            while not self.stopping.is_set():
                try:
                    self.idle = not self.run_once(pool, threads)
                except SQLAlchemyError:
                    log.exception("the database failed; trying again in %.0f s", pause * 10)
                    self.stopping.wait(pause * 10)
                    continue
                if until():
                    break
                if self.idle:
                    self.stopping.wait(pause)
        self.webhooks.close()
        self.backend.close()

    def run_once(self, pool: ThreadPoolExecutor, threads: int) -> int:
        # No more than can be sent at once: a letter claimed waits in `sending`, unable
        # to be cancelled, and its lease runs while it waits.
        with self.sessions() as session:
            expire_unconfirmed(session, self.settings)
            scrubbed = self.run_retention(session)
            claimed = claim_due_deliveries(
                session,
                self.name,
                min(self.settings.worker_batch_size, threads),
                self.settings.worker_lease_seconds,
            )
        futures: dict[Future[bool], str] = {}
        started: set[str] = set()
        lock = threading.Lock()

        def deliver(delivery_id: str) -> bool:
            with lock:
                if self.stopping.is_set():
                    return False
                started.add(delivery_id)
            return self.deliver(delivery_id)

        for delivery_id in claimed:
            futures[pool.submit(deliver, delivery_id)] = delivery_id
        # Webhooks go in a pool of their own, not waited for here: a slow receiver holds
        # up no letter.
        webhooks = self.webhooks.dispatch(letters_in_hand=bool(claimed))
        for future in futures:
            future.result()
        with self.sessions() as session:
            release(session, [d for d in claimed if d not in started], self.name)
        return len(claimed) + scrubbed + webhooks

    def run_retention(self, session: Session) -> int:
        """One batch of retention (and of expired idempotency answers and old webhook
        events), once a minute, or at every poll while batches come back full; answers
        how many rows it scrubbed (work done: the worker is not idle)."""
        now = time.monotonic()
        if now < self.retention_due:
            return 0
        keys = purge_expired_idempotency_keys(session, PURGE_BATCH)
        events = purge_old_webhook_events(session, self.settings.retention_days, PURGE_BATCH)
        purge_notice_windows(session, self.settings)
        run = apply_retention(session, self.settings)
        more = run.more or PURGE_BATCH in (keys, events)
        self.retention_due = now if more else now + RETENTION_EVERY_SECONDS
        return run.letters + run.actions + run.print_batches + keys + events

    def deliver(self, delivery_id: str) -> bool:
        started_at = utcnow()
        with self.sessions() as session:
            channel = renew_lease(
                session, delivery_id, self.name, self.settings.worker_lease_seconds
            )
            if channel is None:
                return False  # the lease ran out and another worker may hold it now
            try:
                send = {"confirmation": send_confirmation, "notice": send_notice}.get(
                    channel, send_email
                )
                outcome = send(session, delivery_id, self.backend, self.settings)
            except Exception as error:  # a bug must not stop the worker; the letter retries
                log.exception("delivery %s failed unexpectedly", delivery_id)
                outcome = Outcome("retry", f"{type(error).__name__}: {error}")
            recorded = record_outcome(
                session, delivery_id, self.name, started_at, outcome, self.settings
            )
        if recorded and outcome.kind == "sent":
            self.sent += 1
        return recorded
