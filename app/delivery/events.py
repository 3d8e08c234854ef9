"""Print batches' webhook events, built here and handed to webhooks as payloads."""

from sqlalchemy.orm import Session

from app.delivery.models import PrintBatch
from app.delivery.schemas import PrintBatchOut
from app.letters.events import letter_data, letters_of_batch
from app.letters.lifecycle import LetterStatus
from app.webhooks.service import subscribers, write_events


def record_print_batch_events(session: Session, batch: PrintBatch) -> None:
    """`letter.printed` for each letter of a batch whose files were just written, and
    `print_batch.ready`, in the transaction that makes the batch ready."""
    wanted = subscribers(session, batch.organisation_id)
    printed = wanted.get("letter.printed", [])
    if printed:
        write_events(
            session,
            batch.organisation_id,
            "letter.printed",
            (letter_data(row) for row in letters_of_batch(session, batch.id)),
            printed,
        )
    write_events(
        session,
        batch.organisation_id,
        "print_batch.ready",
        [PrintBatchOut.model_validate(batch)],
        wanted.get("print_batch.ready", []),
    )


def record_mailed_events(session: Session, batch: PrintBatch) -> None:
    """`letter.mailed` for each letter a batch marked mailed just moved to `mailed` (one
    each: a batch is marked once), in the transaction that marks it."""
    webhook_ids = subscribers(session, batch.organisation_id).get("letter.mailed", [])
    if not webhook_ids:
        return
    session.flush()
    mailed = (
        letter_data(row)
        for row in letters_of_batch(session, batch.id)
        if row.status == LetterStatus.MAILED
    )
    write_events(session, batch.organisation_id, "letter.mailed", mailed, webhook_ids)
