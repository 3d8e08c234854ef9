"""Users, sign-in links and sessions: the console's logic. The console's pages
(app.console.router) call these; so does the CLI (`letterdesk user add`)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.auth.models import Organisation
from app.console.models import ConsoleSession, SignInLink, User
from app.console.roles import Role
from app.db import utcnow
from app.delivery.models import Delivery
from app.errors import Conflict, Gone, NotFound, invalid_field
from app.fields import normalise_email
from app.settings import Settings, secret_key

SIGN_IN_CHANNEL = "sign_in"
LANGUAGES = ("en", "fr")


def normal_email(email: str) -> str:
    return email.strip().lower()


def add_user(
    session: Session,
    organisation_id: str,
    email: str,
    role: str,
    name: str = "",
    language: str = "en",
) -> User:
    """A new user of the organisation, in the caller's transaction."""
    try:
        email = normal_email(normalise_email(email.strip()))
    except ValueError:
        raise invalid_field("email", "Give an email address such as name@example.org.") from None
    if role not in {r.value for r in Role}:
        raise invalid_field("role", "A role is owner, editor, viewer or advocate.")
    if language not in LANGUAGES:
        raise invalid_field("language", "A language is en or fr.")
    if len(name) > 200:
        raise invalid_field("name", "A name is at most 200 characters.")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"{email} is already a user (an address is one user).")
    user = User(
        organisation_id=organisation_id,
        email=email,
        role=role,
        name=name.strip() or email.partition("@")[0],
        language=language,
    )
    session.add(user)
    session.flush()
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_token(settings: Settings, link_id: str) -> str:
    """The token in a sign-in link's URL: made, never stored, so the database alone
    cannot sign anyone in."""
    key = secret_key(settings).encode()
    return hmac.new(key, f"sign-in:{link_id}".encode(), hashlib.sha256).hexdigest()


def sign_in_url(settings: Settings, link_id: str) -> str:
    token = link_token(settings, link_id)
    return f"{settings.public_url.rstrip('/')}/console/sign-in/{link_id}?token={token}"


def request_sign_in(session: Session, email: str, settings: Settings) -> SignInLink | None:
    """Queue a sign-in link to `email` if it is a user's; None (and nothing sent) if not.
    The caller answers the same either way, so the form tells no one who has an account.
    Commits."""
    user = session.scalar(select(User).where(User.email == normal_email(email)))
    if user is None:
        return None
    now = utcnow()
    delivery = Delivery(organisation_id=user.organisation_id, channel=SIGN_IN_CHANNEL, due_at=now)
    session.add(delivery)
    session.flush()
    link = SignInLink(
        user_id=user.id,
        delivery_id=delivery.id,
        expires_at=now + timedelta(minutes=settings.console_link_minutes),
    )
    session.add(link)
    session.commit()
    return link


def usable_link(session: Session, link_id: str, token: str, settings: Settings) -> SignInLink:
    """The link, if `token` is its own and it is unused and current: NotFound for a link
    we never made, Gone for one used or expired."""
    link = session.get(SignInLink, link_id[:40])
    if link is None or not hmac.compare_digest(link_token(settings, link.id), token):
        raise NotFound("This sign-in link is not one we sent.")
    if link.used_at is not None or link.expires_at <= utcnow():
        raise Gone("This sign-in link was used or has expired.")
    return link


@dataclass
class Opened:
    session: ConsoleSession
    cookie: str  # the token for the browser's cookie, never stored


def open_session(
    session: Session, link_id: str, token: str, user_agent: str, settings: Settings
) -> Opened:
    """Use the link (once) and open a session for its user. Commits."""
    link = usable_link(session, link_id, token, settings)
    now = utcnow()
    used = session.execute(
        update(SignInLink)
        .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise Gone("This sign-in link was used or has expired.")
    cookie = secrets.token_urlsafe(32)
    opened = ConsoleSession(
        user_id=link.user_id,
        digest=_digest(cookie),
        user_agent=user_agent[:200],
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=settings.console_session_max_days),
    )
    session.add(opened)
    session.commit()
    return Opened(opened, cookie)


def current_session(session: Session, cookie: str, settings: Settings) -> ConsoleSession | None:
    """The live session the cookie opens, seen now; None for an unknown, ended, expired
    or idle one."""
    if not cookie or len(cookie) > 100:
        return None
    found = session.scalar(select(ConsoleSession).where(ConsoleSession.digest == _digest(cookie)))
    now = utcnow()
    if found is None or found.ended_at is not None or found.expires_at <= now:
        return None
    if found.last_seen_at + timedelta(hours=settings.console_session_idle_hours) <= now:
        return None
    if now - found.last_seen_at > timedelta(minutes=1):  # one write a minute, not a request
        found.last_seen_at = now
        session.commit()
    return found


def sessions_of(session: Session, user_id: str) -> list[ConsoleSession]:
    """The user's sessions still open, newest first."""
    now = utcnow()
    return list(
        session.scalars(
            select(ConsoleSession)
            .where(
                ConsoleSession.user_id == user_id,
                ConsoleSession.ended_at.is_(None),
                ConsoleSession.expires_at > now,
            )
            .order_by(ConsoleSession.created_at.desc())
        )
    )


def end_session(session: Session, user_id: str, session_id: str) -> None:
    """End one of the user's own sessions; another's is NotFound. Commits."""
    ended = session.execute(
        update(ConsoleSession)
        .where(
            ConsoleSession.id == session_id[:40],
            ConsoleSession.user_id == user_id,
            ConsoleSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
    if ended.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise NotFound("No such session of yours.")
    session.commit()


def csrf_token(settings: Settings, session_id: str) -> str:
    """Every console form carries this; a POST without it is refused. Tied to the
    session, so a page of another site cannot know it."""
    key = secret_key(settings).encode()
    return hmac.new(key, f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def csrf_holds(settings: Settings, session_id: str, given: str) -> bool:
    return hmac.compare_digest(csrf_token(settings, session_id), given)


def organisation_of(session: Session, user: User) -> Organisation:
    return session.get_one(Organisation, user.organisation_id)


def users_of(session: Session, organisation_id: str) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.organisation_id == organisation_id).order_by(User.email)
        )
    )


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
