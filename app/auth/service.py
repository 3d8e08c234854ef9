import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.models import ApiKey, Organisation
from app.auth.schemas import OfficeHours
from app.auth.scopes import Scope
from app.db import utcnow
from app.errors import (
    KeyNameTaken,
    LastAdminKey,
    NotFound,
    OrganisationNameTaken,
    Unauthenticated,
    invalid_field,
)
from app.fields import OrganisationName
from app.ids import is_well_formed
from app.pagination import Keys, ListWindow, Page, page_of

KEY_PREFIX = "ld_"
ORGANISATION_NAME: TypeAdapter[str] = TypeAdapter(OrganisationName)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the organisation and the scopes of the key they presented."""

    organisation_id: str
    key_id: str
    scopes: list[str]
    action_limit: str | None = None


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def display_prefix(key: str) -> str:
    return key[: len(KEY_PREFIX) + 8]


def create_organisation(session: Session, name: str) -> Organisation:
    """A new organisation, its name checked as PATCH /v1/organisation checks a new name."""
    name = checked_name(name)
    if _name_taken(session, name, None):
        raise name_conflict(name)
    organisation = Organisation(name=name)
    session.add(organisation)
    session.flush()
    return organisation


def checked_name(name: str) -> str:
    try:
        return ORGANISATION_NAME.validate_python(name)
    except ValidationError as error:
        message = str(error.errors()[0]["msg"])
        raise invalid_field(
            "name", message, "An organisation's name is 1 to 200 characters on one line."
        ) from None


def lock_organisation(session: Session, organisation_id: str) -> None:
    """Hold the organisation's row until the transaction ends, so that work which reads
    then rewrites a whole set of its rows (an import) runs one at a time. On SQLite a
    write takes the database's write lock, which does the same."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
        )
    else:
        session.execute(
            update(Organisation)
            .where(Organisation.id == organisation_id)
            .values(name=Organisation.name)
        )


def find_organisation(session: Session, name_or_id: str) -> Organisation:
    organisation = session.scalar(
        select(Organisation).where(
            (Organisation.id == name_or_id) | (Organisation.name == name_or_id)
        )
    )
    if organisation is None:
        raise NotFound(f"No organisation {name_or_id!r}.")
    return organisation


def update_organisation(
    session: Session, organisation_id: str, changes: dict[str, Any]
) -> Organisation:
    """Change the organisation's settings named in `changes` (checked by
    OrganisationUpdate): its name, email name and public identity. None clears one
    (never the name, which OrganisationUpdate refuses to clear). Names are unique: the
    check says so in the common case, the column's constraint when two renames race."""
    organisation = find_organisation(session, organisation_id)
    new_name = changes.get("name")
    if new_name is not None and _name_taken(session, new_name, organisation_id):
        raise name_conflict(new_name)
    for name, value in changes.items():
        if name == "consent_text" and value is None:
            value = {}
        if name == "office_hours" and value is not None:  # with the defaults of those left out
            value = OfficeHours.model_validate(value).model_dump(mode="json")
        setattr(organisation, name, value)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise name_conflict(str(new_name)) from None
    return organisation


def _name_taken(session: Session, name: str, organisation_id: str | None) -> bool:
    other = select(Organisation.id).where(
        Organisation.name == name, Organisation.id != (organisation_id or "")
    )
    return session.scalar(other) is not None


def name_conflict(name: str) -> OrganisationNameTaken:
    return OrganisationNameTaken(
        f"An organisation named {name!r} already exists.",
        errors=[{"field": "name", "in": "body", "message": "another organisation has this name"}],
    )


def issue_key(
    session: Session,
    organisation_id: str,
    name: str,
    scopes: list[Scope],
    key: str | None = None,
    action_limit: str | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key (or the given one, for a demo whose key is set) and return it in
    the clear: the only time it is ever available."""
    key = key or generate_key()
    api_key = ApiKey(
        organisation_id=organisation_id,
        name=name,
        prefix=display_prefix(key),
        digest=digest_of(key),
        scopes=sorted({str(scope) for scope in scopes}),
        action_limit=action_limit,
    )
    session.add(api_key)
    session.flush()
    return api_key, key


def create_key(
    session: Session,
    organisation_id: str,
    name: str,
    scopes: list[Scope],
    action_limit: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key named as no other key of the organisation is (revoked ones included),
    committed; the name is checked under the organisation's lock, so two requests for one
    name make one key."""
    lock_organisation(session, organisation_id)
    if key_named(session, organisation_id, name) is not None:
        session.rollback()
        raise KeyNameTaken(
            f"Another API key of this organisation is named {name!r}: choose another name.",
            errors=[{"field": "name", "in": "body", "message": "is taken"}],
        )
    made = issue_key(session, organisation_id, name, scopes, action_limit=action_limit)
    session.commit()
    return made


def key_named(session: Session, organisation_id: str, name: str) -> ApiKey | None:
    return session.scalar(
        select(ApiKey).where(ApiKey.organisation_id == organisation_id, ApiKey.name == name)
    )


def unused_key_name(session: Session, organisation_id: str, name: str) -> str:
    """`name`, or the first of "name (2)", "name (3)"... no key of the organisation has."""
    taken = set(
        session.scalars(select(ApiKey.name).where(ApiKey.organisation_id == organisation_id))
    )
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def list_keys(session: Session, organisation_id: str, window: ListWindow) -> Page[ApiKey]:
    query = select(ApiKey).where(ApiKey.organisation_id == organisation_id)
    return page_of(session, query, Keys(ApiKey.id, ApiKey.created_at), window)


def get_key(session: Session, organisation_id: str, key_id: str) -> ApiKey:
    api_key = session.get(ApiKey, key_id) if is_well_formed(key_id) else None
    if api_key is None or api_key.organisation_id != organisation_id:
        raise NotFound(f"No API key {key_id!r}.")
    return api_key


def revoke_key(session: Session, organisation_id: str, key_id: str) -> ApiKey:
    """Revoke a key, unless it is the organisation's last live admin key: without one
    nobody could make or revoke a key again. Revocations of one organisation run one at a
    time (its row is held), so two admin keys revoking each other leave one."""
    lock_organisation(session, organisation_id)
    api_key = get_key(session, organisation_id, key_id)
    if api_key.revoked_at is None:
        if Scope.ADMIN in api_key.scopes and not _other_live_admin_key(session, api_key):
            raise LastAdminKey(
                "This is the organisation's last live admin key: make another admin key "
                "before revoking it."
            )
        api_key.revoked_at = utcnow()
    session.commit()
    return api_key


def _other_live_admin_key(session: Session, api_key: ApiKey) -> bool:
    live = select(ApiKey.scopes).where(
        ApiKey.organisation_id == api_key.organisation_id,
        ApiKey.id != api_key.id,
        ApiKey.revoked_at.is_(None),
    )
    return any(Scope.ADMIN in scopes for scopes in session.scalars(live))


def find_key(session: Session, key: str) -> ApiKey | None:
    return session.scalar(select(ApiKey).where(ApiKey.digest == digest_of(key)))


def authenticate(session: Session, key: str) -> Principal:
    api_key = find_key(session, key)
    if api_key is None:
        raise Unauthenticated("The API key is not known.", headers=BEARER_CHALLENGE)
    if api_key.revoked_at is not None:
        raise Unauthenticated("The API key has been revoked.", headers=BEARER_CHALLENGE)
    return Principal(
        api_key.organisation_id, api_key.id, list(api_key.scopes), api_key.action_limit
    )


BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="letterdesk"'}
