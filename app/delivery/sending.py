"""The worker's email lane: claims due email deliveries (letters, and the supporters'
confirmation emails) and sends them.

Claiming leases each delivery through the outbox (on PostgreSQL with FOR UPDATE SKIP
LOCKED, so any number of workers on any number of hosts share one database without
taking the same row; on SQLite, one worker). Sending happens outside any transaction;
its outcome is then recorded, with the attempt, only if this worker still holds the
lease. A worker that dies leaves leases that run out, and the deliveries are claimed
again: delivery is at least once, and the stable Message-ID lets a receiver drop the
rare duplicate (a crash between the server's accept and our commit).
"""

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, insert, select, true, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.auth.identity import email_footer
from app.auth.models import Organisation
from app.campaigns.models import Campaign, count
from app.console.mail import sign_in_message
from app.console.models import SignInLink, User
from app.db import utcnow
from app.delivery import digests
from app.delivery.dkim import DkimKey, key_of_delivery, organisation_key
from app.delivery.email import (
    EmailBackend,
    Envelope,
    PermanentFailure,
    RelayUnreachable,
    TemporaryFailure,
    UnsafeMessage,
    confirmation_message,
    copy_message,
    letter_message,
    receipt_message,
)
from app.delivery.models import Delivery, DeliveryAttempt, Digest
from app.delivery.pacing import (
    Pace,
    earlier_letters_first,
    keep_within_pace,
    within_office_hours,
    within_pace,
)
from app.ids import new_id
from app.impact.questionnaires import NotToAsk, questionnaire_message
from app.letters import lifecycle
from app.letters.events import record_letter_event, record_letters_event
from app.letters.models import Action, Letter
from app.letters.readdressing import follow_role_holder
from app.letters.repeats import notice_message
from app.letters.service import role_targets
from app.outbox.queue import Queue
from app.outbox.retry import RetryPolicy
from app.settings import Settings
from app.webhooks.schemas import EventType

log = logging.getLogger("letterdesk.worker")

CHANNELS = (
    "email",
    "confirmation",
    "notice",
    "sign_in",
    "questionnaire",
    "receipt",
    digests.CHANNEL,
)
# An outcome whose record fails is recorded again this many times in all.
RECORD_TRIES = 4
DELIVERIES = Queue(Delivery)


def claim_due_deliveries(
    session: Session,
    worker: str,
    limit: int,
    lease_seconds: float,
    channels: tuple[str, ...] = CHANNELS,
    now: datetime | None = None,
    pace: Pace | None = None,
) -> list[str]:
    """Lease up to `limit` due deliveries of `channels` to `worker`, and mark their letters
    `sending`. A letter is claimed only while queued (or sending under an expired lease),
    in the same statement that changes it, so a cancellation that got there first wins.
    A letter in its hold window is not due, whatever its delivery says; nor is one its
    domain's pace, its office's hours or (paced) an earlier letter of its supporter hold
    back (delivery.pacing): those stay as they are, untried. Answers the deliveries' ids."""
    now = now or utcnow()
    pace = pace or Pace(0, {})
    # Paced, a supporter's letters go one at a time, so that pacing never reorders them;
    # unpaced, they go together.
    in_order = earlier_letters_first(now) if pace.paces_any() else true()
    picked = DELIVERIES.pick(
        session,
        select(Delivery.id, Delivery.letter_id, Delivery.digest_id, Delivery.domain)
        .outerjoin(Letter, Letter.id == Delivery.letter_id)
        .where(
            Delivery.channel.in_(channels),
            lifecycle.hold_over(now),
            within_pace(session, pace, now),
            within_office_hours(session, now),
            in_order,
        ),
        limit,
        now,
    )
    picked = keep_within_pace(session, pace, picked, now)
    letters_by_delivery = {row.id: row.letter_id for row in picked}
    if not letters_by_delivery:
        session.commit()
        return []
    # A digest's letters go with it: those still queued (or sending under a lease that
    # ran out) are taken now; one stopped before this is not in it.
    digest_ids = [row.digest_id for row in picked if row.digest_id]
    if digest_ids:
        session.execute(lifecycle.take_digests_for_sending(digest_ids, now))
    letter_ids = [letter_id for letter_id in letters_by_delivery.values() if letter_id]
    sending = (
        set(session.scalars(lifecycle.take_for_sending(letter_ids, now))) if letter_ids else set()
    )
    claimed = [
        d
        for d, letter_id in letters_by_delivery.items()
        if letter_id is None or letter_id in sending
    ]
    stale = [d for d in letters_by_delivery if d not in claimed]
    DELIVERIES.lease(session, claimed, worker, lease_seconds, now)
    if claimed:  # what the domains' paces count from now on
        session.execute(update(Delivery).where(Delivery.id.in_(claimed)).values(paced_at=now))
    if stale:  # their letters were cancelled or are waiting: nothing is due any more
        session.execute(update(Delivery).where(Delivery.id.in_(stale)).values(due_at=None))
    session.commit()
    return claimed


@dataclass
class Outcome:
    kind: str  # sent | retry | failed
    error: str | None = None
    # The letters a digest's email carried (app.delivery.digests).
    letters: tuple[str, ...] = ()


@dataclass
class Done:
    """A send that ended, its outcome still to be recorded."""

    delivery_id: str
    started_at: datetime
    outcome: Outcome


def record_outcome(
    session: Session,
    delivery_id: str,
    worker: str,
    started_at: datetime,
    outcome: Outcome,
    policy: RetryPolicy,
    now: datetime | None = None,
) -> bool:
    """Write the attempt and its effect on the delivery and the letter, if `worker`
    still holds the lease."""
    done = [Done(delivery_id, started_at, outcome)]
    return bool(record_outcomes(session, done, worker, policy, now))


def record_outcomes(
    session: Session,
    done: list[Done],
    worker: str,
    policy: RetryPolicy,
    now: datetime | None = None,
) -> set[str]:
    """Write each attempt and its effect on its delivery and letter, for those whose
    lease `worker` still holds, in one transaction and a few statements whatever the
    batch's size (a statement per kind of outcome, not per letter). Answers the ids of
    the deliveries recorded."""
    now = now or utcnow()
    by_id = {item.delivery_id: item for item in done}
    settled = DELIVERIES.settle_many(
        session, sorted(by_id), worker, returning=[Delivery.letter_id, Delivery.digest_id]
    )
    if not settled:
        session.rollback()
        return set()
    attempts: list[dict[str, Any]] = []
    retry_at: dict[datetime, list[str]] = {}
    letters: dict[tuple[str, str | None], list[str]] = {}
    digests_done: list[tuple[str, str, Outcome]] = []
    for delivery_id, tries, letter_id, digest_id in settled:
        outcome = by_id[delivery_id].outcome
        kind = outcome.kind
        if kind == "retry" and policy.gives_up(tries):
            kind = "failed"
        if kind == "retry":
            retry_at.setdefault(now + policy.delay(tries), []).append(delivery_id)
        attempts.append(
            {
                "id": new_id("att"),
                "delivery_id": delivery_id,
                "worker": worker,
                "started_at": by_id[delivery_id].started_at,
                "finished_at": now,
                "outcome": kind,
                "error": outcome.error,
            }
        )
        if letter_id is not None:  # a confirmation email has no letter to change
            letters.setdefault((kind, outcome.error), []).append(letter_id)
        if digest_id is not None:
            digests_done.append((digest_id, kind, outcome))
    for due_at, delivery_ids in retry_at.items():
        session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids)).values(due_at=due_at))
    session.execute(insert(DeliveryAttempt), attempts)
    for (kind, error), letter_ids in letters.items():
        _record_on_letters(session, sorted(letter_ids), kind, error, now)
    for digest_id, kind, outcome in digests_done:
        _record_on_digest(session, digest_id, kind, outcome, now)
    session.commit()
    return {row[0] for row in settled}


def _record_on_digest(
    session: Session, digest_id: str, kind: str, outcome: Outcome, now: datetime
) -> None:
    """Every letter the digest's email carried is sent with it, once (this runs under
    the delivery's lease, and each letter moves from `sending` only); one taken for it
    but not carried (erased meanwhile) fails."""
    moved = session.execute(
        lifecycle.record_digest_outcome(digest_id, outcome.letters, kind, outcome.error, now)
    ).all()
    if kind == "retry":
        return
    events: list[tuple[str, EventType]] = []
    if kind == "sent":
        sent_by_campaign: dict[str, int] = {}
        for letter_id, campaign_id in moved:
            sent_by_campaign[campaign_id] = sent_by_campaign.get(campaign_id, 0) + 1
            events.append((letter_id, "letter.sent"))
        for campaign_id, sent in sent_by_campaign.items():
            session.execute(count(campaign_id, sent=sent))
        moved = session.execute(
            lifecycle.record_digest_outcome(digest_id, (), "failed", ERASED, now)
        ).all()
    events += [(letter_id, "letter.failed") for letter_id, _ in moved]
    organisation_id = session.scalar(select(Digest.organisation_id).where(Digest.id == digest_id))
    for letter_id, event in events:
        record_letter_event(session, str(organisation_id), letter_id, event)


def _record_on_letters(
    session: Session, letter_ids: list[str], kind: str, error: str | None, now: datetime
) -> None:
    """The letters' new state, their campaigns' sent counters (a statement per campaign,
    in the same order in every worker) and their webhook events, in the caller's
    transaction."""
    moved = session.execute(
        lifecycle.record_sending_outcome(letter_ids, kind, error, now).returning(
            Letter.id, Letter.campaign_id, Letter.organisation_id
        )
    ).all()
    if kind == "sent":
        sent_by_campaign = Counter(campaign_id for _, campaign_id, _ in moved)
        for campaign_id in sorted(sent_by_campaign):
            session.execute(count(campaign_id, sent=sent_by_campaign[campaign_id]))
    if kind == "retry":
        return
    by_organisation: dict[str, list[str]] = {}
    for letter_id, _, organisation_id in moved:
        by_organisation.setdefault(organisation_id, []).append(letter_id)
    event: EventType = "letter.sent" if kind == "sent" else "letter.failed"
    for organisation_id, ids in by_organisation.items():
        record_letters_event(session, organisation_id, ids, event)


def release(session: Session, delivery_ids: list[str], worker: str) -> None:
    """Give back leases not used (a stopping worker): due again at once, untried."""
    if not delivery_ids:
        return
    mine = DELIVERIES.mine(delivery_ids, worker)
    session.execute(
        lifecycle.give_back_unsent(Letter.id.in_(select(Delivery.letter_id).where(mine)))
    )
    session.execute(lifecycle.give_back_unsent(digests.digests_held(mine)))
    DELIVERIES.release(session, delivery_ids, worker)
    session.commit()


def _end_transaction_before_sending(session: Session) -> None:
    """End the transaction before a message travels, keeping what was read: nothing is
    held in the database, and nothing is read again, while a server takes its time."""
    session.expunge_all()
    session.rollback()


class SignedAs:
    """A backend whose messages are signed with one organisation's own DKIM key."""

    def __init__(self, backend: EmailBackend, key: DkimKey) -> None:
        self.backend, self.key = backend, key

    def send(self, message: EmailMessage, envelope: Envelope) -> None:
        self.backend.send(message, replace(envelope, dkim=self.key))

    def close(self) -> None:
        self.backend.close()


def _sent_by(backend: EmailBackend, build: Callable[[], tuple[EmailMessage, Envelope]]) -> Outcome:
    """Build the message and send it. A message that does not build safely (its headers did
    not read back as written) fails for good, with the reason, and nothing is sent."""
    try:
        backend.send(*build())
    except RelayUnreachable:
        raise  # not this letter's fault: the lane pauses, the letter keeps its attempts
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
        select(Action, Campaign.title, Organisation)
        .join(Delivery, Delivery.action_id == Action.id)
        .join(Campaign, Campaign.id == Action.campaign_id)
        .join(Organisation, Organisation.id == Action.organisation_id)
        .where(Delivery.id == delivery_id)
    ).one()
    letters = session.scalar(select(func.count()).where(Letter.action_id == action.id)) or 0
    _end_transaction_before_sending(session)
    if action.scrubbed_at is not None:
        return Outcome("failed", ERASED)
    campaign_title = str(title.get(action.language) or next(iter(title.values())))
    return _sent_by(
        backend,
        lambda: confirmation_message(
            action,
            campaign_title,
            letters,
            settings,
            organisation.name_in_email,
            email_footer(organisation, action.language),
        ),
    )


def send_receipt(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    """The supporter's receipt: a copy of their letters and their letters page's link."""
    action, title, hold_minutes, organisation = session.execute(
        select(Action, Campaign.title, Campaign.hold_minutes, Organisation.name_in_email)
        .join(Delivery, Delivery.action_id == Action.id)
        .join(Campaign, Campaign.id == Action.campaign_id)
        .join(Organisation, Organisation.id == Action.organisation_id)
        .where(Delivery.id == delivery_id)
    ).one()
    letters = list(
        session.scalars(select(Letter).where(Letter.action_id == action.id).order_by(Letter.id))
    )
    _end_transaction_before_sending(session)
    if action.scrubbed_at is not None:
        return Outcome("failed", ERASED)
    campaign_title = str(title.get(action.language) or next(iter(title.values())))
    return _sent_by(
        backend,
        lambda: receipt_message(
            action, campaign_title, hold_minutes, letters, settings, organisation
        ),
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
        _end_transaction_before_sending(session)
        return Outcome("failed", ERASED)
    try:
        built = notice_message(session, delivery_id, action, settings)
    except UnsafeMessage as error:
        _end_transaction_before_sending(session)
        return Outcome("failed", str(error))
    _end_transaction_before_sending(session)
    return _sent_by(backend, lambda: built)


def send_questionnaire(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    """The question whether the official answered (app.impact), unless it is no longer
    to be asked."""
    try:
        built = questionnaire_message(session, delivery_id, settings)
    except (NotToAsk, UnsafeMessage) as error:
        _end_transaction_before_sending(session)
        return Outcome("failed", str(error))
    _end_transaction_before_sending(session)
    return _sent_by(backend, lambda: built)


@dataclass
class LetterToSend:
    """An email letter's delivery with all its message is made of, read before it is
    sent (and detached: nothing is read while a server takes its time)."""

    delivery_id: str
    letter: Letter
    action: Action
    organisation: Organisation
    copy_to_supporter: bool
    reply_capture: bool
    key: DkimKey | None


def letters_to_send(
    session: Session, delivery_ids: list[str], settings: Settings, today: date
) -> tuple[list[LetterToSend], list[str]]:
    """The email letters of `delivery_ids`, each made to go to its role's holder today
    first (letters.readdressing), read in one statement: (to send, held for review).
    A held letter's delivery waits, released from its lease: nothing is recorded of it."""
    held = follow_role_holders(session, delivery_ids, today)
    keys: dict[str, DkimKey | None] = {}
    loaded = []
    for delivery_id, letter, action, organisation, copy, reply_capture in session.execute(
        select(
            Delivery.id,
            Letter,
            Action,
            Organisation,
            Campaign.copy_to_supporter,
            Campaign.reply_capture,
        )
        .join(Letter, Letter.id == Delivery.letter_id)
        .join(Action, Action.id == Letter.action_id)
        .join(Campaign, Campaign.id == Letter.campaign_id)
        .join(Organisation, Organisation.id == Letter.organisation_id)
        .where(Delivery.id.in_([d for d in delivery_ids if d not in held]))
        .order_by(Delivery.id)
    ):
        if organisation.id not in keys:  # unsealed once per organisation and batch
            keys[organisation.id] = organisation_key(organisation, settings)
        key = keys[organisation.id]
        loaded.append(
            LetterToSend(delivery_id, letter, action, organisation, copy, reply_capture, key)
        )
    _end_transaction_before_sending(session)
    return loaded, sorted(held)


def follow_role_holders(session: Session, delivery_ids: list[str], today: date) -> set[str]:
    """Each letter written to a role, checked against the role's holders today (looked up
    once per role and batch); one whose role changed hands is re-addressed or held
    (letters.readdressing). Answers the deliveries held."""
    to_roles = session.execute(
        select(Delivery.id, Letter.organisation_id, Letter.role_target, Letter.recipient_id)
        .join(Letter, Letter.id == Delivery.letter_id)
        .where(
            Delivery.id.in_(delivery_ids),
            Letter.role_target.is_not(None),
            Letter.scrubbed_at.is_(None),
        )
    ).all()
    holders: dict[tuple[str, str], set[str]] = {}
    held: set[str] = set()
    for delivery_id, organisation_id, role_target, recipient_id in to_roles:
        role = str(role_target)
        if (organisation_id, role) not in holders:
            targets = role_targets(session, organisation_id, role, today)
            holders[organisation_id, role] = {target.recipient.id for target in targets}
        if recipient_id in holders[organisation_id, role]:
            continue
        if follow_role_holder(session, delivery_id, today):
            held.add(delivery_id)
    return held


def send_letter(item: LetterToSend, backend: EmailBackend, settings: Settings) -> Outcome:
    """Send the letter (and its supporter's copy, where the campaign sends one)."""
    letter, action, sender = item.letter, item.action, item.organisation
    if item.key is not None:
        backend = SignedAs(backend, item.key)
    organisation = sender.name_in_email
    if letter.scrubbed_at is not None or action.scrubbed_at is not None:
        return Outcome("failed", ERASED)
    if not letter.recipient.get("email") and not settings.email_test_recipient:
        return Outcome("failed", "the recipient has no email address")
    outcome = _sent_by(
        backend,
        lambda: letter_message(letter, action, settings, organisation, item.reply_capture),
    )
    if outcome.kind == "sent" and item.copy_to_supporter:
        try:
            footer = email_footer(sender, letter.language)
            backend.send(*copy_message(letter, action, settings, organisation, footer))
        except Exception as error:
            # The letter went; a copy that did not is said in the log, not retried.
            log.warning("the copy of letter %s to its supporter failed: %s", letter.id, error)
    return outcome


def send_email(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    """One email letter, read and sent on its own (the lane reads them by the batch)."""
    loaded, held = letters_to_send(session, [delivery_id], settings, date.today())
    if held:
        return Outcome("retry", "held for review")  # its lease is given up: nothing to record
    (item,) = loaded
    return send_letter(item, backend, settings)


def send_sign_in(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    """A console user's sign-in link (app.console). One that expired while queued is
    not sent: it could open nothing."""
    link, user, organisation = session.execute(
        select(SignInLink, User, Organisation.name_in_email)
        .join(User, User.id == SignInLink.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(SignInLink.delivery_id == delivery_id)
    ).one()
    _end_transaction_before_sending(session)
    if link.expires_at <= utcnow():
        return Outcome("failed", "the sign-in link expired before it could be sent")
    return _sent_by(backend, lambda: sign_in_message(link, user, organisation, settings))


def send_digest(
    session: Session, delivery_id: str, backend: EmailBackend, settings: Settings
) -> Outcome:
    """An office's daily digest (app.delivery.digests), with the letters its claim took."""
    content = digests.digest_content(session, delivery_id)
    _end_transaction_before_sending(session)
    carried = tuple(item.letter.id for item in content.letters)
    if not carried:
        return Outcome("failed", "no letter was left to send: each was stopped or erased")
    outcome = _sent_by(backend, lambda: digests.digest_message(content, settings))
    return Outcome(outcome.kind, outcome.error, carried)


# What each channel of the email lane sends.
SENDERS = {
    "confirmation": send_confirmation,
    "notice": send_notice,
    "sign_in": send_sign_in,
    "questionnaire": send_questionnaire,
    "receipt": send_receipt,
    digests.CHANNEL: send_digest,
}


@dataclass
class Relay:
    """Whether the mail relay could be reached, and until when email pauses when not:
    the pause doubles at each failed try, up to `relay_backoff_max_seconds`."""

    down_since: datetime | None = None
    error: str | None = None
    failures: int = 0
    pause_until: float = 0.0  # monotonic

    def paused(self) -> bool:
        return time.monotonic() < self.pause_until

    def unreachable(self, error: str, settings: Settings) -> float:
        """Note a failed try; answers the pause, in seconds."""
        if self.down_since is None:
            self.down_since = utcnow()
        self.error = error
        pause = min(
            settings.relay_backoff_max_seconds,
            settings.relay_backoff_seconds * 2.0**self.failures,
        )
        self.failures += 1
        self.pause_until = time.monotonic() + pause
        return pause

    def reached(self) -> bool:
        """Note a message accepted; answers whether the relay had been down."""
        was_down = self.down_since is not None
        self.down_since, self.error, self.failures, self.pause_until = None, None, 0, 0.0
        return was_down


class EmailLane:
    """Sends with `smtp_connections` senders, each keeping its connection and taking its
    next letter when free. Letters are claimed and read a batch at a time, a few ahead
    of the senders, and their outcomes recorded a batch at a time: a claim's, a read's
    and a record's round trips are shared by the batch. A stopping worker lets the sends
    in flight finish and be recorded, and gives back what was claimed but not started."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        backend: EmailBackend,
        settings: Settings,
        name: str,
        stopping: threading.Event,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.settings = settings
        self.name = name
        self.stopping = stopping
        # What "now" is to claims and records (a test sets the time that pacing and
        # office hours read).
        self.clock = clock
        self.policy = RetryPolicy.of(settings)
        self.pace = Pace.of(settings)
        self.threads = max(1, settings.smtp_connections)
        # The most claimed and not yet recorded at any time: at most a batch.
        self.ahead = max(self.threads, min(settings.worker_batch_size, 8 * self.threads))
        self.sent = 0
        self._pool: ThreadPoolExecutor | None = None
        self.in_flight: set[Future[None]] = set()
        self._not_started: set[str] = set()
        self.holding: set[str] = set()  # leased to this worker, not yet recorded
        # When each lease held runs out, as this process knows (monotonic): a send is
        # started only while a third of its lease is left (the heartbeat renews them
        # every third of a lease, so a live worker always has two thirds).
        self._leased_until: dict[str, float] = {}
        self._done: list[Done] = []  # sends ended, their outcomes not yet recorded
        self._done_since = 0.0  # monotonic: when the oldest of them ended
        self._lock = threading.Lock()
        self.relay = Relay()

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="send")
        return self._pool

    def dispatch(self) -> int:
        """Record the outcomes of the sends that ended; claim as many due deliveries as
        there is room for ahead of the senders and start them, without waiting: each
        sender takes its next letter when it is free, so a slow message holds up no
        other. Answers how many it started."""
        self.in_flight = {future for future in self.in_flight if not future.done()}
        self.record_done(every=not self.in_flight)
        # No more than `ahead` claimed and not yet recorded: a letter claimed waits in
        # `sending`, unable to be cancelled, and its lease runs while it waits; and a
        # worker killed sends at most that many again. Claimed when half of them are
        # gone, so that a claim's round trips serve several letters.
        with self._lock:
            unrecorded = len(self.in_flight) + len(self._done)
        if unrecorded > self.ahead // 2 or self.relay.paused():
            return 0
        leased_at = time.monotonic()
        with self.sessions() as session:
            claimed = claim_due_deliveries(
                session,
                self.name,
                self.ahead - unrecorded,
                self.settings.worker_lease_seconds,
                now=self.clock(),
                pace=self.pace,
            )
            if not claimed:
                return 0
            try:
                letters, others = self._read(session, claimed)
            except Exception:
                with self.sessions() as fresh:  # given back, read again by the next claim
                    release(fresh, claimed, self.name)
                raise
        starting = [item.delivery_id for item in letters] + others
        with self._lock:
            self._not_started.update(starting)
            self.holding.update(starting)
            for delivery_id in starting:
                self._leased_until[delivery_id] = leased_at + self.settings.worker_lease_seconds
        for item in letters:
            self.in_flight.add(self.pool.submit(self._start, item.delivery_id, item))
        for delivery_id in others:
            self.in_flight.add(self.pool.submit(self._start, delivery_id, None))
        return len(starting)

    def _read(self, session: Session, claimed: list[str]) -> tuple[list[LetterToSend], list[str]]:
        """The claimed email letters read (in one statement), and the other deliveries
        (confirmations, receipts...), read by their senders; letters held for review
        are neither: their leases were given up."""
        channels: dict[str, str] = {
            delivery_id: channel
            for delivery_id, channel in session.execute(
                select(Delivery.id, Delivery.channel).where(Delivery.id.in_(claimed))
            )
        }
        letter_ids = [d for d in claimed if channels.get(d, "email") not in SENDERS]
        letters, held = letters_to_send(session, letter_ids, self.settings, self.clock().date())
        # One that could not be read with the rest goes the way of the others, on its own
        # (where what went wrong is recorded as an attempt).
        read = {item.delivery_id for item in letters} | set(held)
        return letters, [d for d in claimed if d not in read]

    def _start(self, delivery_id: str, letter: LetterToSend | None) -> None:
        with self._lock:
            if self.stopping.is_set():
                return
            self._not_started.discard(delivery_id)
            lease_left = self._leased_until.get(delivery_id, 0.0) - time.monotonic()
        if lease_left < self.settings.worker_lease_seconds / 3:
            # Not renewed for two thirds of a lease (the database away): another worker
            # may take it once it runs out, so this one does not send it.
            log.warning("delivery %s not sent: its lease may run out", delivery_id)
            self._forget(delivery_id)
            return
        started_at = self.clock()
        try:
            outcome = self._send(delivery_id, letter)
        except Exception:  # the database gone: the lease runs out, the letter is retried
            log.exception("delivery %s could not be sent", delivery_id)
            self._forget(delivery_id)
            return
        if outcome is None:
            self._forget(delivery_id)
            return
        with self._lock:
            if not self._done:
                self._done_since = time.monotonic()
            self._done.append(Done(delivery_id, started_at, outcome))

    def _send(self, delivery_id: str, letter: LetterToSend | None) -> Outcome | None:
        """Send one delivery; answers its outcome, or None when there is nothing to
        record (the relay could not be reached, the letter was held, its lease lost)."""
        outcome: Outcome | None
        try:
            if letter is not None:
                outcome = send_letter(letter, self.backend, self.settings)
            else:
                with self.sessions() as session:
                    outcome = self.send_one(session, delivery_id)
        except RelayUnreachable as error:
            with self.sessions() as session:
                release(session, [delivery_id], self.name)
            self._relay_unreachable(str(error))
            return None
        except Exception as error:  # a bug must not stop the worker; the letter retries
            log.exception("delivery %s failed unexpectedly", delivery_id)
            outcome = Outcome("retry", f"{type(error).__name__}: {error}")
        if outcome is not None and outcome.kind == "sent":
            with self._lock:
                came_back = self.relay.reached()
            if came_back:
                log.warning("the mail relay answers again: email resumes")
        return outcome

    def send_one(self, session: Session, delivery_id: str) -> Outcome | None:
        """Renew the lease and send the delivery, read on its own; None when the lease
        was lost. RelayUnreachable passes through."""
        channel = renew_lease_before_sending(
            session, delivery_id, self.name, self.settings, self.clock()
        )
        if channel is None:
            return None  # the lease ran out and another worker may hold it now
        send = SENDERS.get(channel, send_email)
        own_key = key_of_delivery(session, delivery_id, self.settings)
        backend = SignedAs(self.backend, own_key) if own_key else self.backend
        return send(session, delivery_id, backend, self.settings)

    def _forget(self, delivery_id: str) -> None:
        with self._lock:
            self.holding.discard(delivery_id)
            self._leased_until.pop(delivery_id, None)

    def record_done(self, every: bool = False) -> None:
        """Record the outcomes of the sends that ended, as one batch, once they are half
        of what may be claimed ahead, or one has waited a tenth of a second (or `every`)."""
        with self._lock:
            waited = time.monotonic() - self._done_since
            enough = len(self._done) >= max(1, self.ahead // 2) or waited >= 0.1
            if not self._done or not (every or enough):
                return
            done, self._done = self._done, []
        try:
            recorded = self.record(done)
        except Exception:  # the database gone: the leases run out, the letters are retried
            log.exception("%d outcomes could not be recorded", len(done))
            recorded = set()
        self.sent += sum(
            1 for item in done if item.delivery_id in recorded and item.outcome.kind == "sent"
        )
        for item in done:
            self._forget(item.delivery_id)

    def renew_leases(self, session: Session) -> None:
        """The heartbeat: keep the leases of what this worker holds alive."""
        with self._lock:
            held = list(self.holding)
        renewed_at = time.monotonic()
        renewed = DELIVERIES.heartbeat(
            session, held, self.name, self.settings.worker_lease_seconds, now=self.clock()
        )
        with self._lock:
            for row in renewed:
                if row.id in self._leased_until:
                    self._leased_until[row.id] = renewed_at + self.settings.worker_lease_seconds

    def free_leases_of(self, session: Session, workers: list[str]) -> None:
        """Dead workers' deliveries are due again at once, their letters queued."""
        held = Letter.id.in_(select(Delivery.letter_id).where(DELIVERIES.held_by(workers)))
        session.execute(lifecycle.give_back_unsent(held))
        session.execute(
            lifecycle.give_back_unsent(digests.digests_held(DELIVERIES.held_by(workers)))
        )
        DELIVERIES.free(session, workers)

    def deliver(self, delivery_id: str) -> bool:
        """Send one delivery and record it at once (the lane's senders record theirs by
        the batch); answers whether it was recorded."""
        started_at = self.clock()
        with self.sessions() as session:
            try:
                outcome = self.send_one(session, delivery_id)
            except RelayUnreachable as error:
                release(session, [delivery_id], self.name)
                self._relay_unreachable(str(error))
                return False
        if outcome is None:
            return False
        recorded = bool(self.record([Done(delivery_id, started_at, outcome)]))
        if recorded and outcome.kind == "sent":
            self.sent += 1
        return recorded

    def record(self, done: list[Done]) -> set[str]:
        """Record the outcomes, each try on a fresh session (the connection that failed
        is discarded by the pool): a message the server took is sent again only if
        the database stays away for longer than the lease."""
        for tries in range(1, RECORD_TRIES + 1):
            try:
                with self.sessions() as session:
                    return record_outcomes(session, done, self.name, self.policy, self.clock())
            except (OperationalError, InterfaceError) as error:
                if tries == RECORD_TRIES:
                    raise
                log.warning(
                    "recording %d outcomes failed (%s); trying again on a fresh connection",
                    len(done),
                    type(error).__name__,
                )
                time.sleep(min(self.settings.worker_lease_seconds / 10, 0.5 * 2**tries))
        return set()

    def _relay_unreachable(self, error: str) -> None:
        s = self.settings
        with self._lock:
            pause = self.relay.unreachable(error, s)
        log.error(
            "cannot reach the mail relay %s:%s (%s): email paused for %.0f s; letters stay "
            "queued and spend no attempt",
            s.smtp_host,
            s.smtp_port,
            error,
            pause,
        )

    def close(self) -> None:
        """Let the sends in flight finish and be recorded; give back what was claimed
        but not started (a stopping worker)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self.in_flight.clear()
        self.record_done(every=True)
        with self._lock:
            unsent, self._not_started = list(self._not_started), set()
            self.holding.difference_update(unsent)
        if unsent:
            with self.sessions() as session:
                release(session, unsent, self.name)
        self.backend.close()


def renew_lease_before_sending(
    session: Session,
    delivery_id: str,
    worker: str,
    settings: Settings,
    now: datetime | None = None,
) -> str | None:
    """Renew `worker`'s lease just before sending; answers the delivery's channel, or
    None when the lease was lost."""
    held = DELIVERIES.heartbeat(
        session,
        [delivery_id],
        worker,
        settings.worker_lease_seconds,
        returning=[Delivery.channel],
        now=now,
    )
    session.commit()
    return str(held[0].channel) if held else None
