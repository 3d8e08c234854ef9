"""Supporters' personal data: everything held on one supporter (export), erased on their
request (erasure), and erased once their letters are done and old (retention).

Scrubbing keeps what counts and erases who wrote and what they wrote. Kept: the rows,
their states and dates, the campaigns' counters, the official each letter went to and
the campaign's own subject. Erased: an action's name, email, address, phone, postal code
and words; a letter's text, HTML and print parts, and its subject where the supporter
wrote it; and error texts, which can quote an
address. Scrubbed rows carry `scrubbed_at`, and the API shows "redacted" for what was
erased. Files written from a letter (.eml copies in the outbox folder, print batches)
are deleted too: the .eml files by name, print batches by retention once mailed."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.constituents.schemas import (
    ConstituentExport,
    Erasure,
    ExportedAction,
    ExportedCampaign,
    ExportedLetter,
    ExportedReply,
    SupporterErasedEvent,
)
from app.db import utcnow
from app.delivery.email import eml_path
from app.delivery.models import Delivery, DeliveryAttempt, PrintBatch
from app.delivery.printing import manifest_path, pdf_path
from app.idempotency.service import forget_answers_naming
from app.inbound.service import redact_inbound, replies_to
from app.letters import lifecycle
from app.letters.lifecycle import DONE, LetterStatus
from app.letters.models import REDACTED, Action, Letter, email_key_of
from app.letters.schemas import AttemptOut
from app.settings import Settings
from app.tokens import message_id
from app.webhooks.service import forget_events_naming, record_event

log = logging.getLogger("letterdesk.constituents")

# A letter is done when nothing more will happen to it; its retention runs from the day
# it left (`sent_at`: sent, or mailed), or for one that never left, from the day it was
# written (failed for good, cancelled, expired: nothing of it reached anyone).
RETENTION_BATCH = 500
PRINT_BATCH_FILES_BATCH = 50


def _exported_letter(letter: Letter) -> ExportedLetter:
    return ExportedLetter(
        id=letter.id,
        recipient=letter.recipient,
        channel=letter.channel,
        status=letter.status,
        language=letter.language,
        subject=letter.subject,
        salutation=letter.salutation,
        body_text=REDACTED if letter.scrubbed_at else letter.body_text,
        created_at=letter.created_at,
        sent_at=letter.sent_at,
        failed_reason=letter.failed_reason,
        print_batch_id=letter.print_batch_id,
        scrubbed_at=letter.scrubbed_at,
        attempts=[AttemptOut.model_validate(a) for a in letter.delivery.attempt_log]
        if letter.delivery
        else [],
    )


def export(session: Session, organisation_id: str, email: str) -> ConstituentExport:
    """Every action `email` took with this organisation, with its letters and their
    delivery attempts. Another organisation's supporters are never looked at."""
    actions = session.scalars(
        select(Action)
        .where(Action.organisation_id == organisation_id, Action.email_key == email_key_of(email))
        .order_by(Action.created_at, Action.id)
        .options(
            selectinload(Action.letters)
            .selectinload(Letter.delivery)
            .selectinload(Delivery.attempt_log)
        )
    ).all()
    campaigns = {
        campaign.id: campaign
        for campaign in session.scalars(
            select(Campaign).where(Campaign.id.in_({action.campaign_id for action in actions}))
        )
    }
    confirmations: dict[str, list[AttemptOut]] = {action.id: [] for action in actions}
    for attempt, action_id in session.execute(
        select(DeliveryAttempt, Delivery.action_id)
        .join(Delivery, Delivery.id == DeliveryAttempt.delivery_id)
        .where(Delivery.action_id.in_(list(confirmations)))
        .order_by(DeliveryAttempt.started_at)
    ).all():
        confirmations[str(action_id)].append(AttemptOut.model_validate(attempt))
    organisation = session.get_one(Organisation, organisation_id)
    exported = [
        _exported_action(action, campaigns[action.campaign_id], confirmations[action.id])
        for action in actions
    ]
    letters = [letter for action in exported for letter in action.letters]
    replies = replies_to(session, [letter.id for letter in letters])
    for letter in letters:
        letter.replies = [ExportedReply.model_validate(r) for r in replies.get(letter.id, [])]
    return ConstituentExport(
        email=email, organisation=organisation.name, exported_at=utcnow(), actions=exported
    )


def _exported_action(
    action: Action, campaign: Campaign, confirmation_attempts: list[AttemptOut]
) -> ExportedAction:
    return ExportedAction(
        id=action.id,
        campaign=ExportedCampaign(id=campaign.id, slug=campaign.slug, title=campaign.title),
        first_name=action.first_name,
        last_name=action.last_name,
        email=action.email,
        street_address=action.street_address,
        city=action.city,
        province=action.province,
        postal_code=action.postal_code,
        phone=action.phone,
        language=action.language,
        intro=action.intro,
        concern=action.concern,
        ask=action.ask,
        subject=action.subject,
        consent_to_contact=action.consent_to_contact,
        created_at=action.created_at,
        confirmed_at=action.confirmed_at,
        confirmation_attempts=confirmation_attempts,
        letters=[_exported_letter(letter) for letter in action.letters],
    )


def _redacted_if_set(column: InstrumentedAttribute[str | None]) -> ColumnElement[str | None]:
    """An error text, replaced by "redacted" where there was one: the outcome of an
    attempt stays readable, what the server said (which can quote an address) does not."""
    return case((column.is_(None), null()), else_=literal(REDACTED))


def _redacted_if_the_supporters(subject: InstrumentedAttribute[str]) -> ColumnElement[str]:
    """A letter's subject, replaced by "redacted" where the supporter wrote it: the
    campaign's own subject is kept, theirs is their words."""
    theirs = exists().where(Action.id == Letter.action_id, Action.subject.is_not(None))
    return case((theirs, literal(REDACTED)), else_=subject)


def _scrub_letters(session: Session, letter_ids: list[str], now: datetime) -> int:
    if not letter_ids:
        return 0
    scrubbed = session.execute(
        update(Letter)
        .where(Letter.id.in_(letter_ids), Letter.scrubbed_at.is_(None))
        .values(
            body_text="",
            # A hash of the text would confirm a guess of it.
            content_hash="",
            parts=null(),
            subject=_redacted_if_the_supporters(Letter.subject),
            failed_reason=_redacted_if_set(Letter.failed_reason),
            scrubbed_at=now,
        )
    )
    return int(scrubbed.rowcount)  # type: ignore[attr-defined]


def _scrub_attempts(session: Session, letter_ids: list[str], action_ids: list[str]) -> int:
    """The error texts of every delivery attempt of these letters, and of the emails that
    asked these actions' supporters to confirm (those errors quote the supporter)."""
    deliveries = select(Delivery.id).where(
        or_(Delivery.letter_id.in_(letter_ids), Delivery.action_id.in_(action_ids))
    )
    scrubbed = session.execute(
        update(DeliveryAttempt)
        .where(
            DeliveryAttempt.delivery_id.in_(deliveries),
            DeliveryAttempt.error.is_not(None),
            DeliveryAttempt.error != REDACTED,
        )
        .values(error=REDACTED)
    )
    return int(scrubbed.rowcount)  # type: ignore[attr-defined]


def _scrub_actions(session: Session, action_ids: list[str], now: datetime) -> int:
    if not action_ids:
        return 0
    scrubbed = session.execute(
        update(Action)
        .where(Action.id.in_(action_ids), Action.scrubbed_at.is_(None))
        .values(
            first_name="",
            last_name="",
            email="",
            # Unique per campaign, as the address was; and the same person may write again.
            email_key=type_coerce("erased:", String()) + Action.id,
            street_address="",
            city="",
            province="",
            postal_code="",
            phone=None,
            intro="",
            subject=None,
            concern=None,
            ask=None,
            intro_hash="",
            meta={},
            scrubbed_at=now,
        )
    )
    return int(scrubbed.rowcount)  # type: ignore[attr-defined]


# The emails to a supporter about an action, named by the action's id and this purpose.
SUPPORTER_EMAILS = ("confirmation", "receipt")


def _outbox_files(
    session: Session, settings: Settings, letter_ids: list[str], action_ids: list[str]
) -> list[Path]:
    """The .eml files the file email backend may have written for these letters (the
    letter, the supporter's copy) and actions (the confirmation email, the receipt, each
    notice that the address was used again and each question whether the official
    answered, the last two named by their delivery): named by their
    Message-IDs, which are derived from the ids."""
    if not settings.outbox_dir.is_dir():  # the SMTP backend, and no files ever written
        return []
    ids = [(letter_id, purpose) for letter_id in letter_ids for purpose in ("message-id", "copy")]
    ids += [(action_id, purpose) for action_id in action_ids for purpose in SUPPORTER_EMAILS]
    notices = select(Delivery.id, Delivery.channel).where(
        Delivery.action_id.in_(action_ids), Delivery.channel.in_(("notice", "questionnaire"))
    )
    ids += [(delivery_id, channel) for delivery_id, channel in session.execute(notices)]
    return [eml_path(settings.outbox_dir, message_id(settings, i, purpose)) for i, purpose in ids]


def _delete(paths: list[Path]) -> int:
    """Deletes what is there; one that cannot be deleted (permissions) is logged, and
    stops neither an erasure nor the worker."""
    deleted = 0
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            log.error("could not delete %s, which holds personal data: %s", path, error)
            continue
        deleted += 1
    return deleted


def _batches_holding(session: Session, letter_ids: list[str]) -> list[str]:
    return list(
        session.scalars(
            select(PrintBatch.id)
            .where(
                PrintBatch.id.in_(
                    select(Letter.print_batch_id).where(
                        Letter.id.in_(letter_ids), Letter.print_batch_id.is_not(None)
                    )
                ),
                PrintBatch.status.in_(("building", "ready", "mailed")),
                PrintBatch.files_deleted_at.is_(None),
            )
            .order_by(PrintBatch.id)
        )
    )


def erase(session: Session, organisation_id: str, email: str, settings: Settings) -> Erasure:
    """Erase what this organisation holds on `email`, in one transaction: the actions'
    details and words, the letters' text, attempts' error texts; letters not yet sent are
    cancelled. Counts, states and dates stay. Erasing again finds nothing: zeros.

    A letter a worker is sending at this moment is the worker's: it either went already
    or the worker finds it erased and does not send it (see `worker.send_email`)."""
    action_ids = list(
        session.scalars(
            select(Action.id).where(
                Action.organisation_id == organisation_id, Action.email_key == email_key_of(email)
            )
        )
    )
    if not action_ids:
        session.rollback()
        return Erasure(
            email=email,
            actions=0,
            letters=0,
            letters_cancelled=0,
            delivery_attempts=0,
            files_deleted=0,
            print_batches=[],
        )
    letter_ids = list(session.scalars(select(Letter.id).where(Letter.action_id.in_(action_ids))))
    # Deliveries are locked before letters, as the worker, cancellation and print batches
    # lock them, so that none of them deadlocks with an erasure.
    session.execute(
        select(Delivery.id)
        .where(or_(Delivery.letter_id.in_(letter_ids), Delivery.action_id.in_(action_ids)))
        .with_for_update()
    )
    now = utcnow()
    # Before letters leave a batch being built: its PDF may hold them already.
    batches = _batches_holding(session, letter_ids)
    cancelled = session.execute(lifecycle.cancel(Letter.id.in_(letter_ids))).rowcount  # type: ignore[attr-defined]
    # A batch being built reads its letters' text page by page: one erased now leaves it
    # (a batch that failed would otherwise give it back to the queue, without its text).
    cancelled += session.execute(
        lifecycle.move(
            Letter.id.in_(letter_ids)
            & Letter.print_batch_id.in_(
                select(PrintBatch.id).where(PrintBatch.status == "building")
            ),
            [LetterStatus.BATCHED],
            LetterStatus.CANCELLED,
            print_batch_id=None,
        )
    ).rowcount  # type: ignore[attr-defined]
    # Nothing of theirs is due any more (a pending confirmation email included); what a
    # worker holds it finishes, or finds erased.
    session.execute(
        update(Delivery)
        .where(
            or_(Delivery.letter_id.in_(letter_ids), Delivery.action_id.in_(action_ids)),
            Delivery.leased_by.is_(None),
        )
        .values(due_at=None)
    )
    letters = _scrub_letters(session, letter_ids, now)
    attempts = _scrub_attempts(session, letter_ids, action_ids)
    redact_inbound(session, letter_ids, action_ids)
    actions = _scrub_actions(session, action_ids, now)
    forget_answers_naming(session, [*action_ids, *letter_ids], settings)
    forget_events_naming(session, organisation_id, [*action_ids, *letter_ids])
    if actions:  # after the forgetting, which would empty this event too
        _record_erased(session, organisation_id, action_ids, letter_ids, now, "request")
    # Before the commit: a file deleted for an erasure that then fails is no loss (the
    # message went long ago), a file left behind by an erasure that succeeded would be.
    files = _delete(_outbox_files(session, settings, letter_ids, action_ids)) if actions else 0
    session.commit()
    return Erasure(
        email=email,
        actions=actions,
        letters=letters,
        letters_cancelled=int(cancelled),
        delivery_attempts=attempts,
        files_deleted=files,
        print_batches=batches,
    )


def _record_erased(
    session: Session,
    organisation_id: str,
    action_ids: list[str],
    letter_ids: list[str],
    now: datetime,
    reason: Literal["request", "retention"],
) -> None:
    campaign_ids = session.scalars(
        select(Action.campaign_id).where(Action.id.in_(action_ids)).distinct()
    )
    erased = SupporterErasedEvent(
        action_ids=sorted(action_ids),
        letter_ids=sorted(letter_ids),
        campaign_ids=sorted(campaign_ids),
        erased_at=now,
        reason=reason,
    )
    record_event(session, organisation_id, "supporter.erased", erased)


def _record_erased_by_retention(session: Session, action_ids: list[str], now: datetime) -> None:
    """A supporter whose actions retention erased is told as one erased on request is:
    one `supporter.erased` per organisation of the pass, naming the actions and all their
    letters (scrubbed in this pass or an earlier one)."""
    per_organisation: dict[str, list[str]] = {}
    owners = session.execute(
        select(Action.organisation_id, Action.id).where(Action.id.in_(action_ids))
    )
    for organisation_id, action_id in owners:
        per_organisation.setdefault(organisation_id, []).append(action_id)
    for organisation_id, actions in per_organisation.items():
        letters = session.scalars(select(Letter.id).where(Letter.action_id.in_(actions)))
        _record_erased(session, organisation_id, actions, list(letters), now, "retention")


@dataclass
class RetentionRun:
    """What one pass of retention scrubbed; `more` when a batch came back full."""

    letters: int = 0
    actions: int = 0
    held_cancelled: int = 0
    print_batches: int = 0
    files_deleted: int = 0
    more: bool = False


def _skip_locked(query: Select[str], session: Session) -> Select[str]:
    """Several workers share the work: each takes rows no other holds."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query


def _cancel_held_past(session: Session, cutoff: datetime, limit: int) -> list[str]:
    """Letters held for review (letters.readdressing) that nobody released or cancelled
    within the retention period, counted from the day they were written as for any letter
    that never left, are cancelled, so that the scrub that follows takes them: a held
    letter would otherwise keep its supporter's details for ever. Their deliveries are
    locked first, as a release, a cancel and an erasure lock them; one locked by another
    party is left for the next pass."""
    held = (
        select(Delivery.letter_id)
        .join(Letter, Letter.id == Delivery.letter_id)
        .where(
            Letter.status == LetterStatus.HELD_FOR_REVIEW,
            Letter.created_at < cutoff,
            Letter.scrubbed_at.is_(None),
        )
        .order_by(Letter.created_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        held = held.with_for_update(of=Delivery, skip_locked=True)
    letter_ids = [letter_id for letter_id in session.scalars(held) if letter_id is not None]
    if not letter_ids:
        return []
    cancelled = session.execute(
        lifecycle.move(
            Letter.id.in_(letter_ids),
            [LetterStatus.HELD_FOR_REVIEW],
            LetterStatus.CANCELLED,
        ).returning(Letter.id)
    )
    cancelled_ids = list(cancelled.scalars())
    session.execute(
        update(Delivery).where(Delivery.letter_id.in_(cancelled_ids)).values(due_at=None)
    )
    return cancelled_ids


def apply_retention(
    session: Session, settings: Settings, limit: int = RETENTION_BATCH
) -> RetentionRun:
    """Scrub the letters done more than `retention_days` ago, then the actions whose
    letters are all scrubbed, and delete the files of print batches mailed that long ago;
    at most `limit` rows of each, in one short transaction. Running it again changes
    nothing that is done."""
    now = utcnow()
    cutoff = now - timedelta(days=settings.retention_days)
    run = RetentionRun()
    held_ids = _cancel_held_past(session, cutoff, limit)
    run.held_cancelled = len(held_ids)
    due_letters = _skip_locked(
        select(Letter.id)
        .where(
            Letter.scrubbed_at.is_(None),
            Letter.created_at < cutoff,  # implied by the next line, and what the index has
            func.coalesce(Letter.sent_at, Letter.created_at) < cutoff,
            Letter.status.in_(DONE),
        )
        .order_by(Letter.created_at)
        .limit(limit),
        session,
    )
    letter_ids = list(session.scalars(due_letters))
    run.letters = _scrub_letters(session, letter_ids, now)
    session.flush()
    unscrubbed_letter = exists().where(Letter.action_id == Action.id, Letter.scrubbed_at.is_(None))
    due_actions = _skip_locked(
        select(Action.id)
        .where(Action.scrubbed_at.is_(None), Action.created_at < cutoff, ~unscrubbed_letter)
        .order_by(Action.created_at)
        .limit(limit),
        session,
    )
    action_ids = list(session.scalars(due_actions))
    if letter_ids or action_ids:
        _scrub_attempts(session, letter_ids, action_ids)
        redact_inbound(session, letter_ids, action_ids)
    run.actions = _scrub_actions(session, action_ids, now)
    if run.actions:
        _record_erased_by_retention(session, action_ids, now)
    run.files_deleted = _delete(_outbox_files(session, settings, letter_ids, action_ids))
    batches = list(
        session.scalars(
            _skip_locked(
                select(PrintBatch.id)
                .where(
                    PrintBatch.files_deleted_at.is_(None),
                    or_(
                        (PrintBatch.status == "mailed") & (PrintBatch.mailed_at < cutoff),
                        (PrintBatch.status == "failed") & (PrintBatch.created_at < cutoff),
                    ),
                )
                .limit(PRINT_BATCH_FILES_BATCH),
                session,
            )
        )
    )
    emptied = []
    for batch_id in batches:
        files = [pdf_path(settings, batch_id), manifest_path(settings, batch_id)]
        run.files_deleted += _delete(files)
        if not any(path.exists() for path in files):
            emptied.append(batch_id)
    if emptied:
        session.execute(
            update(PrintBatch).where(PrintBatch.id.in_(emptied)).values(files_deleted_at=now)
        )
    run.print_batches = len(emptied)
    session.commit()
    run.more = (
        len(held_ids) == limit
        or len(letter_ids) == limit
        or len(action_ids) == limit
        or len(batches) == PRINT_BATCH_FILES_BATCH
    )
    if run.letters or run.actions or run.print_batches:
        log.info(
            "retention cancelled %d letters held for review past it, scrubbed %d letters and "
            "%d actions, deleted the files of %d print batches",
            run.held_cancelled,
            run.letters,
            run.actions,
            run.print_batches,
        )
    return run
