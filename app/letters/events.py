"""The letters' webhook events, built here and handed to webhooks as payloads (webhooks
know nothing of letters)."""

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.letters.actions import action_record
from app.letters.models import Action, Letter
from app.letters.schemas import ActionConfirmedEvent, LetterSummary, summary_fields
from app.webhooks.schemas import EventType
from app.webhooks.service import subscribers, write_events


def letter_data(letter: Any) -> dict[str, Any]:
    """A letter as `GET /v1/letters` lists it: without its text, its recipient's full
    snapshot and its attempts (`GET /v1/letters/{id}` answers those)."""
    return LetterSummary(**summary_fields(letter, letter.campaign_slug)).model_dump(mode="json")


LETTER_COLUMNS = (
    Letter.id,
    Letter.campaign_id,
    Letter.action_id,
    Letter.recipient_id,
    Letter.recipient,
    Letter.channel,
    Letter.status,
    Letter.language,
    Letter.subject,
    Letter.created_at,
    Letter.updated_at,
    Letter.sent_at,
    Letter.failed_reason,
    Letter.scrubbed_at,
    Letter.role_target,
    Letter.held_reason,
    Letter.readdressed_from,
    Letter.hold_until,
    Campaign.slug.label("campaign_slug"),
)


def _letters() -> Select[Any]:
    """The letters' columns, with their campaign's slug (events name both campaign ids)."""
    return select(*LETTER_COLUMNS).join(Campaign, Campaign.id == Letter.campaign_id)


def record_letter_event(
    session: Session, organisation_id: str, letter_id: str, event_type: EventType
) -> None:
    """`letter.sent`, `letter.failed`, `letter.cancelled` and the others, with the letter
    as it now is (read only when a webhook wants it)."""
    record_letters_event(session, organisation_id, [letter_id], event_type)


def record_letters_event(
    session: Session, organisation_id: str, letter_ids: Collection[str], event_type: EventType
) -> None:
    """The same event for each of the organisation's `letter_ids` (a worker's batch), the
    letters read once, and only when a webhook wants them."""
    webhook_ids = subscribers(session, organisation_id).get(event_type, [])
    if not webhook_ids:
        return
    letters = session.execute(_letters().where(Letter.id.in_(letter_ids)).order_by(Letter.id))
    data = [letter_data(letter) for letter in letters]
    write_events(session, organisation_id, event_type, data, webhook_ids)


def record_action_confirmed(session: Session, action: Action) -> None:
    """`action.confirmed`, with the action's letters as they stand once queued (read only
    when a webhook wants it); in the caller's transaction."""
    webhook_ids = subscribers(session, action.organisation_id).get("action.confirmed", [])
    if not webhook_ids or action.confirmed_at is None:
        return
    session.flush()
    session.refresh(action, ["letters"])
    for letter in action.letters:
        session.refresh(letter, ["status"])  # moved by a bulk statement
    slug = session.scalar(select(Campaign.slug).where(Campaign.id == action.campaign_id))
    record = action_record(action, slug or "")
    data = ActionConfirmedEvent.model_validate(record.model_dump())
    write_events(session, action.organisation_id, "action.confirmed", [data], webhook_ids)


def letters_of_batch(session: Session, batch_id: str, size: int = 500) -> Iterable[Any]:
    """A print batch's letters without their text, read a page at a time."""
    after = ""
    while True:
        page = session.execute(
            _letters()
            .where(Letter.print_batch_id == batch_id, Letter.id > after)
            .order_by(Letter.id)
            .limit(size)
        ).all()
        yield from page
        if len(page) < size:
            return
        after = page[-1].id
