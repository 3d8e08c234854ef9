"""Reading actions back, as a CRM syncs them: the supporter, their consent, where each
of their letters stands. Personal data: the routers guard it with constituents:read."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, exists, false, not_, select
from sqlalchemy.orm import Session, selectinload

from app.campaigns.service import campaign_slugs
from app.errors import NotFound
from app.ids import is_well_formed
from app.letters.models import Action, Letter
from app.letters.schemas import (
    ORIGIN_FIELDS,
    ActionLetter,
    ActionRecord,
    ConfirmationState,
    SupporterOut,
)
from app.pagination import Keys, ListWindow, Page, page_of

# The states a letter is in while its action waits for confirmation, or after it waited
# in vain: an action's confirmation state is read from its letters, as the list filters it.
WAITING = "pending_confirmation"
EXPIRED = "expired"


def confirmation_of(action: Action, letter_states: Sequence[str]) -> ConfirmationState:
    if action.confirmed_at is not None:
        return "confirmed"
    if WAITING in letter_states:
        return "pending"
    if EXPIRED in letter_states:
        return "expired"
    return "not_required"


def _letter_in(state: str | tuple[str, ...]) -> ColumnElement[bool]:
    states = (state,) if isinstance(state, str) else state
    return exists().where(Letter.action_id == Action.id, Letter.status.in_(states))


def confirmation_is(state: ConfirmationState) -> ColumnElement[bool]:
    """The SQL twin of `confirmation_of`."""
    if state == "confirmed":
        return Action.confirmed_at.is_not(None)
    unconfirmed = Action.confirmed_at.is_(None)
    if state == "pending":
        return and_(unconfirmed, _letter_in(WAITING))
    if state == "expired":
        return and_(unconfirmed, not_(_letter_in(WAITING)), _letter_in(EXPIRED))
    return and_(unconfirmed, not_(_letter_in((WAITING, EXPIRED))))


def supporter_of(action: Action) -> SupporterOut | None:
    if action.scrubbed_at is not None:
        return None
    return SupporterOut(
        first_name=action.first_name,
        last_name=action.last_name,
        email=action.email,
        street_address=action.street_address,
        city=action.city,
        province=action.province,
        postal_code=action.postal_code,
        phone=action.phone,
    )


def origin_of(action: Action) -> dict[str, str | None]:
    """The campaign link and embedding site the action came by (`ActionOrigin`)."""
    return {name: getattr(action, name) for name in ORIGIN_FIELDS}


def action_record(action: Action, slug: str) -> ActionRecord:
    letters = action.letters
    return ActionRecord(
        id=action.id,
        campaign_id=action.campaign_id,
        campaign=slug,
        supporter=supporter_of(action),
        consent_to_contact=action.consent_to_contact,
        language=action.language,
        source=action.source,
        assisted=action.assisted,
        **origin_of(action),
        metadata=action.meta,
        confirmation=confirmation_of(action, [letter.status for letter in letters]),
        confirmed_at=action.confirmed_at,
        created_at=action.created_at,
        scrubbed_at=action.scrubbed_at,
        letters=[
            ActionLetter(
                id=letter.id,
                recipient_id=letter.recipient_id,
                recipient_name=str(letter.recipient.get("display_name") or ""),
                channel=letter.channel,
                status=letter.status,
                created_at=letter.created_at,
                sent_at=letter.sent_at,
            )
            for letter in letters
        ],
    )


@dataclass(frozen=True)
class ActionFilters:
    campaign_id: str | None = None
    consent_to_contact: bool | None = None
    confirmation: ConfirmationState | None = None
    created_before: datetime | None = None


def _filtered(query: Select[Action], filters: ActionFilters) -> Select[Action]:
    if filters.campaign_id is not None:
        query = query.where(Action.campaign_id == filters.campaign_id)
    if filters.consent_to_contact is not None:
        query = query.where(Action.consent_to_contact == filters.consent_to_contact)
    if filters.confirmation is not None:
        query = query.where(confirmation_is(filters.confirmation))
    if filters.created_before is not None:
        query = query.where(Action.created_at < filters.created_before)
    return query


def _of_organisation(organisation_id: str) -> Select[Action]:
    return (
        select(Action)
        .where(Action.organisation_id == organisation_id)
        .options(selectinload(Action.letters))
    )


def _records(session: Session, actions: list[Action]) -> list[ActionRecord]:
    """The actions, each with its campaign's slug (one query for the page's campaigns)."""
    slugs = campaign_slugs(session, {action.campaign_id for action in actions})
    return [action_record(action, slugs[action.campaign_id]) for action in actions]


def list_actions(
    session: Session, organisation_id: str, filters: ActionFilters, window: ListWindow
) -> Page[ActionRecord]:
    query = _filtered(_of_organisation(organisation_id), filters)
    if filters.campaign_id is not None and not is_well_formed(filters.campaign_id):
        query = query.where(false())  # an id we never made names no action
    page = page_of(session, query, Keys(Action.id, Action.created_at), window)
    records = _records(session, page.items)
    return Page(records, page.next_cursor, page.has_more)


def get_action(session: Session, organisation_id: str, action_id: str) -> ActionRecord:
    action = (
        session.scalar(_of_organisation(organisation_id).where(Action.id == action_id))
        if is_well_formed(action_id)
        else None
    )
    if action is None:
        raise NotFound(f"No action {action_id!r}.")
    return _records(session, [action])[0]
