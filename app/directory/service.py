from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.directory.lookup import DistrictProvider
from app.directory.models import Recipient, RecipientRole
from app.directory.portfolios import titles_of
from app.directory.schemas import (
    LOCKABLE_FIELDS,
    NAMELESS,
    Address,
    District,
    DistrictChoices,
    DistrictLookup,
    DistrictWithRepresentatives,
    RecipientCreate,
    RecipientFields,
    RecipientUpdate,
    Role,
    has_a_name,
    recipient_out,
)
from app.errors import ConcurrentChange, InvalidInput, NotFound
from app.fields import fold
from app.ids import new_id
from app.owned import owned_or_404
from app.pagination import Keys, ListWindow, Page, page_of


def stored_address(address: Address) -> dict[str, Any]:
    """An address as its recipient's row keeps it. An office without an email of its own
    has no such key, as every address stored before offices had one: an import of the
    same address then finds it unchanged."""
    stored = address.model_dump()
    if stored["email"] is None:
        del stored["email"]
    return stored


def column_values(fields: RecipientFields) -> dict[str, Any]:
    """The recipient columns that `fields` sets (roles aside), as they are stored. Read
    attribute by attribute: imports call this per row, and a full model_dump costs more."""
    given: dict[str, Any] = {}
    for name in fields.model_fields_set:
        value = getattr(fields, name)
        if name == "district":
            given |= district_columns(value)
        elif name == "addresses":
            given["addresses"] = [stored_address(address) for address in value or []]
        elif name == "delivery_preference":
            given[name] = value or "email"  # null: back to the default
        elif name not in ("roles", "locked_fields"):
            given[name] = value
    return given


def district_columns(district: District | None) -> dict[str, Any]:
    """The district columns a district sets: all of them for None (it clears them), else
    those it carries, so a source that gives only the name leaves the code alone."""
    given = District.model_fields if district is None else district.model_fields_set
    district = district or District()
    columns: dict[str, Any] = {}
    if "code" in given:
        columns["district_code"] = district.code
    if "name" in given:
        columns["district_name"] = district.name
        columns["district_key"] = fold(district.name) if district.name else None
    if "province" in given:
        columns["district_province"] = district.province
    return columns


def search_key(values: dict[str, Any]) -> str:
    names = (values.get("first_name"), values.get("last_name"), values.get("display_name"))
    return fold(" ".join(name for name in names if name))


def role_rows(organisation_id: str, recipient_id: str, roles: list[Role]) -> list[dict[str, Any]]:
    return [
        {
            "recipient_id": recipient_id,
            "organisation_id": organisation_id,
            "title_en": role.title_en,
            "title_fr": role.title_fr,
            "title_en_key": fold(role.title_en),
            "title_fr_key": fold(role.title_fr) if role.title_fr else None,
            "start_date": role.start_date,
            "end_date": role.end_date,
        }
        for role in roles
    ]


def _apply(session: Session, recipient: Recipient, fields: RecipientFields) -> None:
    values = column_values(fields)
    for column, value in values.items():
        setattr(recipient, column, value)
    recipient.search_key = search_key(
        {
            "first_name": recipient.first_name,
            "last_name": recipient.last_name,
            "display_name": recipient.display_name,
        }
    )
    if fields.roles is not None:
        recipient.roles = [
            RecipientRole(**row)
            for row in role_rows(recipient.organisation_id, recipient.id, fields.roles)
        ]


def _refuse_taken_external_id(
    session: Session, organisation_id: str, external_id: str | None, own_id: str | None
) -> None:
    if external_id is None:
        return
    holder = session.scalar(
        select(Recipient.id).where(
            Recipient.organisation_id == organisation_id, Recipient.external_id == external_id
        )
    )
    if holder is not None and holder != own_id:
        raise InvalidInput(
            errors=[
                {
                    "field": "external_id",
                    "in": "body",
                    "message": f"is already used by recipient {holder}",
                }
            ]
        )


def _commit_or_conflict(session: Session) -> None:
    """Two requests may claim one external id at once; the database lets one win."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConcurrentChange(
            "Another request changed this recipient at the same time; retry."
        ) from None


def create_recipient(session: Session, organisation_id: str, fields: RecipientCreate) -> Recipient:
    _refuse_taken_external_id(session, organisation_id, fields.external_id, None)
    recipient = Recipient(id=new_id("rcp"), organisation_id=organisation_id, addresses=[])
    _apply(session, recipient, fields)
    session.add(recipient)
    _commit_or_conflict(session)
    return recipient


def get_recipient(session: Session, organisation_id: str, recipient_id: str) -> Recipient:
    return owned_or_404(session, Recipient, recipient_id, organisation_id, "recipient")


def update_recipient(
    session: Session, organisation_id: str, recipient_id: str, fields: RecipientUpdate
) -> Recipient:
    recipient = get_recipient(session, organisation_id, recipient_id)
    if "external_id" in fields.model_fields_set:
        _refuse_taken_external_id(session, organisation_id, fields.external_id, recipient.id)
    _apply(session, recipient, fields)
    recipient.locked_fields = fields_locked_by(fields, recipient.locked_fields or [])
    if not has_a_name(recipient.first_name, recipient.last_name, recipient.display_name):
        session.rollback()
        raise InvalidInput(errors=[{"field": "display_name", "in": "body", "message": NAMELESS}])
    _commit_or_conflict(session)
    return recipient


def fields_locked_by(fields: RecipientUpdate, locked: list[str]) -> list[str]:
    """What a PATCH leaves locked: the set it names, else the fields held before and every
    field it sets. An edit by hand is a statement that the source is wrong there, so a
    sync must not undo it."""
    if fields.locked_fields is not None:
        return sorted(set(fields.locked_fields))
    edited = fields.model_fields_set & set(LOCKABLE_FIELDS)
    return sorted(set(locked) | edited)


def delete_recipient(session: Session, organisation_id: str, recipient_id: str) -> None:
    recipient = get_recipient(session, organisation_id, recipient_id)
    session.delete(recipient)
    session.commit()


@dataclass(frozen=True)
class RecipientFilters:
    q: str | None = None
    district: str | None = None
    province: str | None = None
    party: str | None = None
    elected_office: str | None = None
    role: str | None = None
    role_on: date | None = None
    include_retired: bool = False


def role_held_on(title: str, on: date) -> Any:
    """The condition that a role row is of the portfolio `title` names (by any of its
    English or French titles over time) and is held on `on`. A role is held from its
    start date up to, not including, its end date: the day a minister hands over is the
    successor's first day."""
    keys = sorted(titles_of(title))
    return and_(
        or_(RecipientRole.title_en_key.in_(keys), RecipientRole.title_fr_key.in_(keys)),
        or_(RecipientRole.start_date.is_(None), RecipientRole.start_date <= on),
        or_(RecipientRole.end_date.is_(None), RecipientRole.end_date > on),
    )


def _filtered(organisation_id: str, filters: RecipientFilters) -> Select[Recipient]:
    query = select(Recipient).where(Recipient.organisation_id == organisation_id)
    if not filters.include_retired:
        query = query.where(Recipient.retired_at.is_(None))
    for token in fold(filters.q or "").split():
        query = query.where(Recipient.search_key.contains(token, autoescape=True))
    if filters.district:
        query = query.where(
            or_(
                Recipient.district_key == fold(filters.district),
                Recipient.district_code == filters.district,
            )
        )
    if filters.province:
        query = query.where(Recipient.district_province == filters.province)
    # Compared whole and without regard to (ASCII) case: a filter is a value, not a pattern.
    if filters.party:
        query = query.where(func.lower(Recipient.party) == filters.party.lower())
    if filters.elected_office:
        query = query.where(func.lower(Recipient.elected_office) == filters.elected_office.lower())
    if filters.role:
        on = filters.role_on or date.today()
        holders = select(RecipientRole.recipient_id).where(
            RecipientRole.organisation_id == organisation_id, role_held_on(filters.role, on)
        )
        query = query.where(Recipient.id.in_(holders))
    return query


def list_recipients(
    session: Session,
    organisation_id: str,
    filters: RecipientFilters,
    window: ListWindow,
) -> Page[Recipient]:
    query = _filtered(organisation_id, filters).options(selectinload(Recipient.roles))
    keys = Keys(Recipient.id, Recipient.created_at, Recipient.updated_at)
    return page_of(session, query, keys, window)


def holders_of_role(
    session: Session, organisation_id: str, title: str, on: date
) -> list[tuple[Recipient, RecipientRole]]:
    """Who holds the portfolio `title` names on `on`, each once, with the title they hold
    it under (the newest, for a holder the source lists under two): how a campaign aimed
    at "the Minister of Foreign Affairs" finds today's minister, so that a cabinet
    shuffle is one directory update."""
    query = (
        select(Recipient, RecipientRole)
        .join(RecipientRole, RecipientRole.recipient_id == Recipient.id)
        .where(
            Recipient.organisation_id == organisation_id,
            Recipient.retired_at.is_(None),
            RecipientRole.organisation_id == organisation_id,
            role_held_on(title, on),
        )
        .order_by(Recipient.id, RecipientRole.start_date.desc(), RecipientRole.id)
    )
    held: dict[str, tuple[Recipient, RecipientRole]] = {}
    for recipient, role in session.execute(query):
        held.setdefault(recipient.id, (recipient, role))
    return list(held.values())


def recipients_in_districts(
    session: Session, organisation_id: str, district_keys: list[str], *, with_roles: bool
) -> dict[str, list[Recipient]]:
    found: dict[str, list[Recipient]] = {key: [] for key in district_keys}
    query = (
        select(Recipient)
        .where(
            Recipient.organisation_id == organisation_id,
            Recipient.retired_at.is_(None),
            Recipient.district_key.in_(district_keys),
        )
        .order_by(Recipient.id)
    )
    if with_roles:
        query = query.options(selectinload(Recipient.roles))
    for recipient in session.scalars(query):
        found[recipient.district_key or ""].append(recipient)
    return found


def lookup_postal_code(
    session: Session, organisation_id: str, provider: DistrictProvider, postal_code: str
) -> DistrictLookup:
    """The district(s) of a postal code with their representatives in this directory."""
    districts = provider.districts_for(session, organisation_id, postal_code)
    if not districts:
        raise NotFound(
            f"We know no district for {postal_code}: choose it by its name or its "
            "representative's name (GET /v1/districts/search?q=).",
            postal_code=postal_code,
            provider=provider.name,
            choose_from="/v1/districts/search",
        )
    representatives = recipients_in_districts(
        session, organisation_id, [district.key for district in districts], with_roles=True
    )
    return DistrictLookup(
        postal_code=postal_code,
        provider=provider.name,
        ambiguous=len(districts) > 1,
        approximate=any(district.approximate for district in districts),
        districts=[
            DistrictWithRepresentatives(
                name=district.name,
                code=district.code,
                province=district.province,
                approximate=district.approximate,
                representatives=[recipient_out(r) for r in representatives[district.key]],
            )
            for district in districts
        ],
    )


CHOICES = 20


def search_districts(session: Session, organisation_id: str, q: str) -> DistrictChoices:
    """Districts whose name, or whose representative's name, holds every word of `q`
    (accents and case aside): the choice offered when no table knows a postal code."""
    query = select(Recipient.district_key).where(
        Recipient.organisation_id == organisation_id,
        Recipient.retired_at.is_(None),
        Recipient.district_key.is_not(None),
    )
    for token in fold(q).split():
        query = query.where(
            or_(
                Recipient.district_key.contains(token, autoescape=True),
                Recipient.search_key.contains(token, autoescape=True),
            )
        )
    keys = sorted({key for key in session.scalars(query.limit(CHOICES * 5)) if key})[:CHOICES]
    found = recipients_in_districts(session, organisation_id, keys, with_roles=True)
    return DistrictChoices(
        q=q,
        districts=[
            DistrictWithRepresentatives(
                name=people[0].district_name or "",
                code=people[0].district_code,
                province=people[0].district_province,
                representatives=[recipient_out(r) for r in people],
            )
            for people in (found[key] for key in keys)
            if people
        ],
    )
