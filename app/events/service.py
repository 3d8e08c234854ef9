"""Letter-writing events: made on a live campaign of the organisation, attendees' actions
entered through the letters service as any action is (every quality check applies),
marked assisted and tied to the event; the kit printed; what was mailed recorded.

An attendee's letters are printed, whatever the campaign's channels: they sign them by
hand at the table and the advocate posts them (letters.service.take_action, `event_id`).
Printing the kit moves the event's queued letters to `printed` (letters.lifecycle); the
number the advocate then says was mailed is a count kept on the event, since which of
the kit's letters went in the post is not known letter by letter."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.campaigns.models import count as count_sent
from app.campaigns.service import get_campaign
from app.db import utcnow
from app.directory.lookup import DistrictProvider
from app.errors import InvalidInput, NotFound
from app.events.models import Event
from app.letters import lifecycle
from app.letters import service as letters
from app.letters.lifecycle import LetterStatus
from app.letters.models import Action, Letter
from app.letters.schemas import ActionCreate, ActionOut
from app.owned import owned_or_404
from app.settings import Settings

NAME_MAX = 200
# The letters a kit holds: printed ones (and queued ones, until the kit is printed).
IN_KIT = (LetterStatus.PRINTED,)
TO_PRINT = (LetterStatus.QUEUED,)


@dataclass(frozen=True)
class EventDetails:
    campaign_id: str
    name: str
    place: str
    held_on: str  # as typed: YYYY-MM-DD


def live_campaigns(session: Session, organisation_id: str) -> list[Campaign]:
    """The campaigns an event can be held for: the organisation's live ones."""
    return list(
        session.scalars(
            select(Campaign)
            .where(Campaign.organisation_id == organisation_id, Campaign.status == "live")
            .order_by(Campaign.created_at.desc())
        )
    )


def live_campaign_of(session: Session, organisation_id: str, campaign_id: str) -> Campaign:
    """One of the organisation's live campaigns; a draft or another's is not found."""
    campaign = get_campaign(session, organisation_id, campaign_id[:80])
    if campaign.status != "live":
        raise NotFound(f"No live campaign {campaign_id[:80]!r}.")
    return campaign


def _field_error(field: str, code: str) -> dict[str, str]:
    return {"field": field, "in": "body", "code": code, "message": code}


def checked_details(details: EventDetails) -> tuple[str, str, date]:
    """The event's name, place and date, or a 422 naming each field wrong (its `code`
    is the console's key for the message)."""
    errors = []
    name, place = details.name.strip(), details.place.strip()
    for field, value in (("name", name), ("place", place)):
        if not value:
            errors.append(_field_error(field, "required"))
        elif len(value) > NAME_MAX or not value.isprintable():
            errors.append(_field_error(field, "text_invalid"))
    try:
        held_on = date.fromisoformat(details.held_on.strip())
    except ValueError:
        errors.append(_field_error("held_on", "date_invalid"))
    if errors:
        raise InvalidInput("The event's details are not complete.", errors=errors)
    return name, place, held_on


def create_event(
    session: Session, organisation_id: str, user_id: str, details: EventDetails
) -> Event:
    campaign = live_campaign_of(session, organisation_id, details.campaign_id)
    name, place, held_on = checked_details(details)
    event = Event(
        organisation_id=organisation_id,
        campaign_id=campaign.id,
        name=name,
        place=place,
        held_on=held_on,
        created_by=user_id,
    )
    session.add(event)
    session.commit()
    return event


def events_of(session: Session, organisation_id: str) -> list[Event]:
    return list(
        session.scalars(
            select(Event)
            .where(Event.organisation_id == organisation_id)
            .order_by(Event.held_on.desc(), Event.created_at.desc())
        )
    )


def get_event(session: Session, organisation_id: str, event_id: str) -> Event:
    return owned_or_404(session, Event, event_id[:80], organisation_id, "event")


def enter_attendee(
    session: Session,
    event: Event,
    body: ActionCreate,
    provider: DistrictProvider,
    settings: Settings,
    *,
    commit: bool = True,
) -> ActionOut:
    """An attendee's action, entered by an advocate: through the same letters service as
    the API and the action page. A second action by the same address is refused with its
    409 (the advocate is the organisation's, and the attendee is in front of them).
    `commit=False`: in the caller's transaction (a file of attendees, written whole)."""
    campaign = live_campaign_of(session, event.organisation_id, event.campaign_id)
    return letters.take_action(
        session,
        campaign,
        body,
        provider,
        settings,
        reveal_repeat=True,
        source="event",
        event_id=event.id,
        commit=commit,
    )


@dataclass(frozen=True)
class EventFigures:
    actions: int
    to_print: int
    printed: int
    by_state: dict[str, int]


def figures_of(session: Session, event: Event) -> EventFigures:
    by_state = dict(
        session.execute(
            select(Letter.status, func.count())
            .join(Action, Action.id == Letter.action_id)
            .where(Action.event_id == event.id)
            .group_by(Letter.status)
        ).all()
    )
    actions = session.scalar(select(func.count()).where(Action.event_id == event.id)) or 0
    return EventFigures(
        actions=actions,
        to_print=sum(by_state.get(s, 0) for s in TO_PRINT),
        printed=sum(by_state.get(s, 0) for s in IN_KIT),
        by_state={str(k): int(v) for k, v in sorted(by_state.items())},
    )


def print_kit(session: Session, event: Event) -> int:
    """The event's queued letters move to `printed`: they are in its kit now, to be
    signed and posted by hand. Answers how many moved."""
    of_event = select(Action.id).where(Action.event_id == event.id)
    moved = session.execute(
        lifecycle.print_by_hand(Letter.action_id.in_(of_event), utcnow())
    ).rowcount  # type: ignore[attr-defined]
    session.commit()
    return int(moved)


def kit_letters(session: Session, event: Event) -> list[Letter]:
    """The kit's letters, sorted by recipient (the name as addressed), then as written."""
    found = session.scalars(
        select(Letter)
        .join(Action, Action.id == Letter.action_id)
        .where(Action.event_id == event.id, Letter.status.in_(IN_KIT))
        .order_by(Letter.created_at, Letter.id)
    )
    return sorted(found, key=lambda letter: recipient_key(letter))


def recipient_key(letter: Letter) -> tuple[str, str]:
    return (str(letter.recipient.get("display_name") or "").casefold(), letter.recipient_id or "")


def record_mailed(session: Session, event: Event, given: str) -> int:
    """How many of the kit's letters went in the post: a whole number from 0 to the
    kit's letters, or a 422 naming `mailed`."""
    printed = figures_of(session, event).printed
    try:
        count = int(given.strip())
    except ValueError:
        count = -1
    if not 0 <= count <= printed:
        raise InvalidInput(
            f"Give a number from 0 to {printed}.",
            errors=[_field_error("mailed", "mailed_invalid")],
            most=printed,
        )
    # The campaign's "letters sent" counts what went in the post, as a mailed batch does:
    # a corrected count moves it by the difference.
    session.execute(count_sent(event.campaign_id, sent=count - (event.mailed_count or 0)))
    event.mailed_count = count
    event.mailed_at = utcnow()
    session.commit()
    return count
