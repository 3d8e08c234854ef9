"""Print batches: the queued print letters of an organisation (or of one campaign),
gathered into one merged PDF and a manifest CSV that someone prints and posts.

Letters join a batch in one statement that moves them from `queued` to `batched`, so
two batches made at once never share a letter; the request answers then, the batch
`building`. The worker's print lane claims it through the outbox and builds the PDF
streaming (see `pdf.batch_pdf`), into a temporary file moved into place when whole; the
batch is then `ready`, or `failed` with its reason and its letters back in the queue."""

import csv
import logging
import os
from collections import Counter, deque
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, cast

from sqlalchemy import exists, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.campaigns.models import count as count_sent
from app.campaigns.service import get_campaign
from app.db import utcnow
from app.delivery.events import record_mailed_events, record_print_batch_events
from app.delivery.models import Delivery, PrintBatch
from app.delivery.pdf import PageSize, batch_pdf
from app.errors import BatchNotReady, Gone, InvalidInput, UpstreamUnavailable, invalid_field
from app.ids import new_id
from app.letters import lifecycle
from app.letters.lifecycle import LetterStatus
from app.letters.models import Action, Letter
from app.letters.readdressing import follow_role_holders_in_print
from app.outbox.queue import Queue
from app.owned import owned_or_404
from app.pagination import Keys, ListWindow, Page, page_of
from app.settings import Settings

log = logging.getLogger("letterdesk.printing")

# Mail to a member of the Senate or the House of Commons is free of postage in Canada
# (Canada Post Corporation Act, R.S.C. 1985, c. C-10, s. 35(2); s. 35(4): to a place in
# Canada, not parcels nor registration or other special services). Marked free here: mail
# to Parliament's own postal codes, where the privilege is applied without question. A
# constituency office is not marked (see the README): the Act names the member, not an
# address, but a letter sent there unstamped risks coming back.
POSTAGE_FREE_POSTAL_CODES = {
    "K1A 0A6": "House of Commons",
    "K1A 0A4": "Senate of Canada",
}
MANIFEST_COLUMNS = (
    "letter_id", "recipient", "address", "postal_code", "start_page", "pages", "language",
    "postage",
)  # fmt: skip


def pdf_path(settings: Settings, batch_id: str) -> Path:
    return settings.print_dir / f"{batch_id}.pdf"


def manifest_path(settings: Settings, batch_id: str) -> Path:
    return settings.print_dir / f"{batch_id}.csv"


def _gather(
    session: Session,
    organisation_id: str,
    campaign_id: str | None,
    page_size: PageSize,
    duplex: bool,
) -> PrintBatch:
    if campaign_id is not None:
        get_campaign(session, organisation_id, campaign_id)  # 404 for another's, as for none
    batch = PrintBatch(
        id=new_id("pbt"),
        organisation_id=organisation_id,
        campaign_id=campaign_id,
        status="building",
        page_size=page_size,
        duplex=duplex,
        letter_count=0,
        page_count=0,
        due_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    now = utcnow()
    # Deliveries are locked before letters, as the worker and cancellation lock them.
    queued = (
        select(Delivery.letter_id)
        .join(Letter, Letter.id == Delivery.letter_id)
        .where(
            Letter.organisation_id == organisation_id,
            Letter.channel == "print",
            Letter.status == LetterStatus.QUEUED,
            lifecycle.hold_over(now),  # a letter in its hold window may still be stopped
            # an event's letters go in its kit, signed by hand there (app.events)
            ~exists().where(Action.id == Letter.action_id, Action.assisted),
        )
        .with_for_update(of=Delivery)
    )
    if campaign_id:
        queued = queued.where(Letter.campaign_id == campaign_id)
    letter_ids = [letter_id for letter_id in session.scalars(queued) if letter_id]
    gathered = 0
    for start in range(0, len(letter_ids), 1000):
        batch_of_ids = letter_ids[start : start + 1000]
        gathered += session.execute(lifecycle.batch_for_print(batch_of_ids, batch.id, now)).rowcount  # type: ignore[attr-defined]
    if not gathered:
        session.rollback()
        raise InvalidInput("There are no queued print letters to batch.")
    in_batch = select(Letter.id).where(Letter.print_batch_id == batch.id)
    session.execute(update(Delivery).where(Delivery.letter_id.in_(in_batch)).values(due_at=None))
    batch.letter_count = gathered
    session.commit()
    return batch


def _letters_of(
    session: Session, batch_id: str, size: int = 500
) -> Iterator[tuple[str, dict[str, Any], dict[str, str] | None]]:
    """The batch's letters in order (id, recipient, parts: what print needs), read a page
    at a time: memory holds one page."""
    after = ""
    while True:
        page = session.execute(
            select(Letter.id, Letter.recipient, Letter.parts)
            .where(Letter.print_batch_id == batch_id, Letter.id > after)
            .order_by(Letter.id)
            .limit(size)
        ).all()
        yield from ((letter_id, recipient, parts) for letter_id, recipient, parts in page)
        if len(page) < size:
            return
        after = page[-1][0]


def _postal_address(recipient: dict[str, Any]) -> dict[str, Any]:
    addresses = sorted(recipient.get("addresses") or [], key=lambda a: a["kind"] != "legislature")
    return addresses[0] if addresses else {}


def manifest_row(
    letter_id: str, recipient: dict[str, Any], *, start_page: int, pages: int, language: str
) -> dict[str, Any]:
    """One line of the manifest: where the letter starts in the batch's PDF and how many
    pages it has (a duplex batch's blank back page included), its language (for the
    envelope's stuffer and any insert), and whether it needs a stamp."""
    address = _postal_address(recipient)
    postal_code = address.get("postal_code") or ""
    place = " ".join(part for part in (address.get("city"), address.get("province")) if part)
    return {
        "letter_id": letter_id,
        "recipient": recipient.get("display_name") or "",
        "address": "; ".join([*address.get("lines", []), place]),
        "postal_code": postal_code,
        "start_page": start_page,
        "pages": pages,
        "language": language,
        "postage": "no postage required" if postal_code in POSTAGE_FREE_POSTAL_CODES else "",
    }


def _write_files(
    session: Session, batch: PrintBatch, page_size: PageSize, settings: Settings
) -> int:
    """The batch's PDF and manifest, each written to a temporary file and moved into
    place whole. A letter's manifest line is written as soon as its chunk of the PDF is,
    so memory holds one chunk's letters, whatever the batch's size. Answers the PDF's
    page count."""
    settings.print_dir.mkdir(parents=True, exist_ok=True)
    pdf_temporary = pdf_path(settings, batch.id).with_suffix(".pdf.part")
    csv_temporary = manifest_path(settings, batch.id).with_suffix(".csv.part")
    try:
        with (
            pdf_temporary.open("wb") as out,
            csv_temporary.open("w", encoding="utf-8", newline="") as manifest,
        ):
            writer = csv.DictWriter(manifest, fieldnames=MANIFEST_COLUMNS)
            writer.writeheader()
            pages_per_letter: list[int] = []
            waiting: deque[tuple[str, dict[str, Any], str]] = deque()
            next_page = 1

            def write_known_lines() -> None:
                nonlocal next_page
                while waiting and pages_per_letter:
                    letter_id, recipient, language = waiting.popleft()
                    pages = pages_per_letter.pop(0)
                    row = manifest_row(
                        letter_id, recipient, start_page=next_page, pages=pages, language=language
                    )
                    writer.writerow(row)
                    next_page += pages

            def parts() -> Iterator[dict[str, str]]:
                for letter_id, recipient, letter_parts in _letters_of(session, batch.id):
                    write_known_lines()
                    given = dict(letter_parts or {})
                    waiting.append((letter_id, recipient, given.get("language", "")))
                    yield given

            pages = batch_pdf(
                parts(),
                out,
                page_size=page_size,
                page_counts=pages_per_letter,
                duplex=batch.duplex,
            )
            write_known_lines()
        os.replace(pdf_temporary, pdf_path(settings, batch.id))
        os.replace(csv_temporary, manifest_path(settings, batch.id))
    finally:
        pdf_temporary.unlink(missing_ok=True)
        csv_temporary.unlink(missing_ok=True)
    return pages


def _check_print_folder(settings: Settings) -> None:
    """The print folder exists (made if missing) and can be written to; a 503 naming it
    otherwise, before any letter is gathered."""
    folder = settings.print_dir
    try:
        folder.mkdir(parents=True, exist_ok=True)
        reason = None if os.access(folder, os.W_OK | os.X_OK) else "permission denied"
    except OSError as error:  # missing and cannot be made, or a file in its way
        reason = error.strerror or type(error).__name__
    if reason is not None:
        log.error("the print folder %s cannot be written to: %s", folder, reason)
        raise UpstreamUnavailable(
            f"The print folder {folder} cannot be written to ({reason}); no letter was gathered."
        )


def create_print_batch(
    session: Session,
    organisation_id: str,
    campaign_id: str | None,
    settings: Settings,
    *,
    duplex: bool = False,
) -> PrintBatch:
    """Gather the queued print letters into a new batch, `building` and due at once: the
    worker builds its files (`build_print_batch`). Answers the batch as soon as its
    letters are in it."""
    _check_print_folder(settings)
    follow_role_holders_in_print(session, organisation_id, campaign_id, date.today())
    return _gather(session, organisation_id, campaign_id, settings.page_size, duplex)


# The worker's side: claiming and building ---------------------------------------------

PRINT_BATCHES = Queue(PrintBatch)


def claim_due_print_batches(
    session: Session, worker: str, limit: int, lease_seconds: float
) -> list[str]:
    """Lease up to `limit` batches waiting to be built to `worker`."""
    now = utcnow()
    building = select(PrintBatch.id).where(PrintBatch.status == "building")
    claimed = [row.id for row in PRINT_BATCHES.pick(session, building, limit, now)]
    PRINT_BATCHES.lease(session, claimed, worker, lease_seconds, now)
    session.commit()
    return claimed


def build_print_batch(
    session: Session, batch_id: str, worker: str, settings: Settings
) -> str | None:
    """Write a claimed batch's PDF and manifest, and make it `ready` (with its events);
    when they cannot be written, make it `failed` saying why, its letters back in the
    queue. Answers the batch's new status, or None when `worker` lost its lease (another
    worker builds it). A database that fails here leaves the lease to run out: the batch
    is built again."""
    batch = session.get_one(PrintBatch, batch_id)
    try:
        pages = _write_files(session, batch, cast(PageSize, batch.page_size), settings)
    except SQLAlchemyError:
        raise
    except OSError as error:  # the folder: missing, read-only, full
        reason = (
            f"The print folder {settings.print_dir} cannot be written to "
            f"({error.strerror or type(error).__name__}); the letters are back in the queue."
        )
        log.error("print batch %s failed: %s", batch_id, reason)
        return _fail(session, batch_id, worker, reason)
    except Exception as error:
        log.exception("print batch %s could not be built", batch_id)
        reason = (
            f"The batch could not be built ({type(error).__name__}); the letters are back "
            "in the queue."
        )
        return _fail(session, batch_id, worker, reason)
    if PRINT_BATCHES.settle(session, batch_id, worker, PrintBatch.status == "building") is None:
        session.rollback()
        return None
    batch = session.get_one(PrintBatch, batch_id, populate_existing=True)
    batch.page_count = pages
    batch.status = "ready"
    record_print_batch_events(session, batch)  # ready, and its letters printed, at once
    session.commit()
    return batch.status


def _fail(session: Session, batch_id: str, worker: str, reason: str) -> str | None:
    session.rollback()
    if PRINT_BATCHES.settle(session, batch_id, worker, PrintBatch.status == "building") is None:
        session.rollback()
        return None
    _give_back(session, batch_id, reason)
    return "failed"


def build_due_print_batches(session: Session, worker: str, settings: Settings) -> int:
    """Claim and build every batch due, one after another, in this thread (the worker's
    print lane builds them on a thread of its own, as they come). Answers how many."""
    built = 0
    while claimed := claim_due_print_batches(session, worker, 1, settings.worker_lease_seconds):
        build_print_batch(session, claimed[0], worker, settings)
        built += 1
    return built


def _give_back(session: Session, batch_id: str, reason: str) -> None:
    """A batch that could not be built frees its letters for the next one."""
    letter_ids = select(Letter.id).where(Letter.print_batch_id == batch_id)
    session.execute(
        update(Delivery).where(Delivery.letter_id.in_(letter_ids)).values(due_at=utcnow())
    )
    session.execute(lifecycle.give_back_from_batch(batch_id))
    session.execute(
        update(PrintBatch)
        .where(PrintBatch.id == batch_id)
        .values(status="failed", failure_reason=reason, due_at=None)
    )
    session.commit()


def get_print_batch(session: Session, organisation_id: str, batch_id: str) -> PrintBatch:
    return owned_or_404(session, PrintBatch, batch_id, organisation_id, "print batch")


def batch_files(
    session: Session, organisation_id: str, batch_id: str, settings: Settings
) -> tuple[Path, Path]:
    """The batch's PDF and manifest, once it has them."""
    batch = get_print_batch(session, organisation_id, batch_id)
    if batch.status not in ("ready", "mailed"):
        raise BatchNotReady(
            f"This batch is {batch.status}: it has no files.", batch_status=batch.status
        )
    if batch.files_deleted_at is not None:
        raise Gone("This batch's files were deleted after the retention period.")
    return pdf_path(settings, batch.id), manifest_path(settings, batch.id)


def list_print_batches(
    session: Session, organisation_id: str, window: ListWindow
) -> Page[PrintBatch]:
    query = select(PrintBatch).where(PrintBatch.organisation_id == organisation_id)
    return page_of(session, query, Keys(PrintBatch.id, PrintBatch.created_at), window)


def mailed_moment(mailed_on: date | None, now: datetime) -> datetime:
    """When the letters count as posted: now, or noon UTC of the day given (a batch
    posted yesterday and marked today). A day to come is refused."""
    if mailed_on is None or mailed_on == now.date():
        return now
    if mailed_on > now.date():
        raise invalid_field("mailed_on", "cannot be a day to come")
    return datetime.combine(mailed_on, time(12), tzinfo=UTC)


def mark_mailed(
    session: Session, organisation_id: str, batch_id: str, mailed_on: date | None = None
) -> PrintBatch:
    """The batch went to the post (today, or `mailed_on`): its letters are `mailed`, with
    one `letter.mailed` event each. Saying so twice is harmless: the second changes
    nothing and announces nothing."""
    batch = get_print_batch(session, organisation_id, batch_id)
    if batch.status == "mailed":
        return batch
    if batch.status != "ready":
        raise BatchNotReady(
            f"This batch is {batch.status}, not ready to be mailed.", batch_status=batch.status
        )
    now = mailed_moment(mailed_on, utcnow())
    # The batch row first, locked: of two marking it at once, the second waits, then
    # finds it mailed and moves nothing.
    marked = session.execute(
        update(PrintBatch)
        .where(PrintBatch.id == batch.id, PrintBatch.status == "ready")
        .values(status="mailed", mailed_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if not marked:
        session.rollback()
        return get_print_batch(session, organisation_id, batch_id)
    mailed = session.execute(lifecycle.mail(batch.id, now).returning(Letter.campaign_id)).scalars()
    for campaign_id, count in Counter(mailed).items():
        session.execute(count_sent(campaign_id, sent=count))
    session.refresh(batch)
    record_mailed_events(session, batch)
    session.commit()
    return batch
