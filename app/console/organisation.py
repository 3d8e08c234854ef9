"""The console's settings: the organisation's users and API keys, as its owners manage
them from the console (app.console.settings). The public identity and webhooks go
through their features' own services (app.auth.service, app.webhooks.service), so the
console and the API change them alike."""

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.auth.models import ApiKey
from app.auth.scopes import Scope
from app.auth.service import create_key, lock_organisation
from app.console.models import ConsoleSession, SignInLink, User
from app.console.roles import Role
from app.console.service import add_user, request_sign_in
from app.delivery.models import Delivery
from app.errors import Conflict, NotFound, invalid_field
from app.settings import Settings
from app.webhooks.models import Webhook

LAST_OWNER = "The organisation's last owner stays an owner: make another owner first."


def invite_user(
    session: Session,
    organisation_id: str,
    invited: tuple[str, str, str, str],
    settings: Settings,
) -> User:
    """A new user (email, role, name, language), who is emailed a sign-in link by the
    console's own sign-in path. Commits."""
    email, role, name, language = invited
    user = add_user(session, organisation_id, email, role, name=name, language=language)
    request_sign_in(session, user.email, settings)
    return user


def get_user(session: Session, organisation_id: str, user_id: str) -> User:
    """The organisation's user; another organisation's is NotFound, as one that never was."""
    user = session.get(User, user_id[:40])
    if user is None or user.organisation_id != organisation_id:
        raise NotFound("No such user in your organisation.")
    return user


def _other_owners(session: Session, user: User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(User)
            .where(
                User.organisation_id == user.organisation_id,
                User.role == Role.OWNER,
                User.id != user.id,
            )
        )
        or 0
    )


def change_role(session: Session, organisation_id: str, user_id: str, role: str) -> User:
    """Give a user another role; the last owner cannot be made anything else (Conflict).
    An organisation's changes of role and removals run one at a time (its row is held),
    so two owners demoting each other leave one. Commits."""
    if role not in {r.value for r in Role}:
        raise invalid_field("role", "A role is owner, editor or viewer.")
    lock_organisation(session, organisation_id)
    user = get_user(session, organisation_id, user_id)
    if user.role == Role.OWNER and role != Role.OWNER and not _other_owners(session, user):
        session.rollback()
        raise Conflict(LAST_OWNER)
    user.role = role
    session.commit()
    return user


def remove_user(session: Session, organisation_id: str, user_id: str) -> None:
    """Remove a user, their sign-in links (one not yet emailed is not sent) and sessions
    (they are signed out at once); never the last owner (Conflict). Commits."""
    lock_organisation(session, organisation_id)
    user = get_user(session, organisation_id, user_id)
    if user.role == Role.OWNER and not _other_owners(session, user):
        session.rollback()
        raise Conflict(LAST_OWNER)
    session.execute(delete(ConsoleSession).where(ConsoleSession.user_id == user.id))
    # A link not yet emailed is not sent: the email lane finds a link by its delivery.
    links = select(SignInLink.delivery_id).where(SignInLink.user_id == user.id)
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_(links), Delivery.due_at.is_not(None))
        .values(due_at=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(SignInLink).where(SignInLink.user_id == user.id))
    session.delete(user)
    session.commit()


def keys_of(session: Session, organisation_id: str) -> list[ApiKey]:
    """The organisation's keys, live ones first, newest first."""
    return list(
        session.scalars(
            select(ApiKey)
            .where(ApiKey.organisation_id == organisation_id)
            .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())
        )
    )


def make_key(
    session: Session, organisation_id: str, name: str, scopes: list[Scope]
) -> tuple[ApiKey, str]:
    """A new key and its secret, which the caller shows this once. Commits; a name
    another key has is KeyNameTaken, as in the API."""
    return create_key(session, organisation_id, name, scopes)


def webhooks_of(session: Session, organisation_id: str) -> list[Webhook]:
    return list(
        session.scalars(
            select(Webhook)
            .where(Webhook.organisation_id == organisation_id, Webhook.deleted_at.is_(None))
            .order_by(Webhook.created_at)
        )
    )
