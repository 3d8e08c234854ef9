"""Idempotency keys (as Stripe and the IETF Idempotency-Key draft): the first answer to
a POST is kept for a day and given again to a retry with the same key and request,
without doing the work twice, even when the retry races the first request."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.auth.service import authenticate
from app.db import SQLITE_BUSY_SECONDS, utcnow
from app.errors import DomainError
from app.idempotency.models import IdempotencyKey
from app.sealing import InvalidToken, sealer
from app.settings import Settings

# Answers hold API keys, webhook secrets and supporters' letters: sealed at rest.
SEALING_PURPOSE = "idempotency answers"


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class Claimed:
    """This request holds the key: run it, then `complete` or `release`."""

    key_id: str


@dataclass(frozen=True)
class Mismatch:
    """The key was used for another request."""


@dataclass(frozen=True)
class InProgress:
    """The first request with this key is still running."""


Claim = Claimed | StoredResponse | Mismatch | InProgress


def owner_of(session: Session, authorization: bytes | None) -> str | None:
    """Whose keys these are: the API key that sent the request (checked live, so that a
    revoked key replays nothing, not even an answer it was given before), or the public
    for a request without credentials. None for credentials that are not a live API key:
    the request then runs without its idempotency key, to be refused."""
    if not authorization:
        return "public"
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        return authenticate(session, token.strip()).key_id
    except DomainError:
        return None


def fingerprint_of(method: str, path: str, query: bytes, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def claim(session: Session, owner: str, key: str, fingerprint: str, settings: Settings) -> Claim:
    """Hold `key` for this request, or say why not: its stored answer, another request's
    key, or still running. Three tries cover a key released or expired under us."""
    for _ in range(3):
        now = utcnow()
        fresh = {
            "fingerprint": fingerprint,
            "state": "running",
            "locked_until": now + timedelta(seconds=settings.idempotency_lock_seconds),
            "created_at": now,
            "expires_at": now + timedelta(hours=settings.idempotency_hours),
        }
        # Looked up before trying to hold it: a key in use is answered without writing,
        # so a retry never waits for the write lock a running request holds (SQLite).
        existing = session.scalar(
            select(IdempotencyKey)
            .where(IdempotencyKey.owner == owner, IdempotencyKey.key == key)
            .execution_options(populate_existing=True)  # as it is now, not as last read
        )
        if existing is None:
            row = IdempotencyKey(owner=owner, key=key, **fresh)
            session.add(row)
            try:
                session.commit()
                return Claimed(row.id)
            except IntegrityError:
                session.rollback()
                continue  # another request held it first: look again
        if existing.expires_at <= now or (
            existing.state == "running" and existing.locked_until <= now
        ):
            if _take_over(session, existing.id, now, fresh):
                return Claimed(existing.id)
            continue
        if existing.fingerprint != fingerprint:
            return Mismatch()
        if existing.state == "running" or existing.status_code is None:
            return InProgress()
        try:
            body = sealer(settings, SEALING_PURPOSE).decrypt(existing.body or b"")
        except InvalidToken:  # sealed under another secret key: the answer is lost
            release(session, existing.id, state="done")
            continue
        return StoredResponse(
            existing.status_code, [(name, value) for name, value in existing.headers or []], body
        )
    return InProgress()


def _take_over(session: Session, key_id: str, now: datetime, fresh: dict[str, object]) -> bool:
    """Hold a key whose answer expired, or whose request died holding it; only one of
    several racing requests succeeds, and none while its request still runs."""
    try:
        with _not_waiting_for_the_write_lock(session):
            taken = session.execute(
                update(IdempotencyKey)
                .where(
                    IdempotencyKey.id == key_id,
                    or_(
                        IdempotencyKey.expires_at <= now,
                        and_(IdempotencyKey.state == "running", IdempotencyKey.locked_until <= now),
                    ),
                )
                .values(**fresh, status_code=None, headers=None, body=None)
                .execution_options(synchronize_session=False)
            ).rowcount  # type: ignore[attr-defined]
    except OperationalError:
        session.rollback()
        if session.get_bind().dialect.name != "sqlite":
            raise
        return False  # SQLite's write lock is held: the request still runs
    session.commit()
    return bool(taken)


@contextmanager
def _not_waiting_for_the_write_lock(session: Session) -> Iterator[None]:
    """On SQLite a keyed request holds the database's write lock from its start to its
    commit (app.db.begin_request_transaction), and a dead host's lock went with its
    process: a key whose lock is held is still running, whatever its lock time says, and
    is answered 409 at once rather than after waiting for that request to end."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_SECONDS * 1000}")


def extend_lock(session: Session, key_id: str, settings: Settings) -> None:
    """The request holding `key_id` is still running: hold it for another lock time."""
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == key_id, IdempotencyKey.state == "running")
        .values(locked_until=utcnow() + timedelta(seconds=settings.idempotency_lock_seconds))
        .execution_options(synchronize_session=False)
    )
    session.commit()


def complete(session: Session, key_id: str, response: StoredResponse, settings: Settings) -> None:
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == key_id, IdempotencyKey.state == "running")
        .values(
            state="done",
            status_code=response.status_code,
            headers=[list(header) for header in response.headers],
            body=sealer(settings, SEALING_PURPOSE).encrypt(response.body),
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()


def release(session: Session, key_id: str, state: str = "running") -> None:
    """Let the key go without an answer (the request failed on our side, or was
    rate-limited): a retry runs the request afresh."""
    session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.id == key_id, IdempotencyKey.state == state)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def purge_expired(session: Session, batch: int = 1000) -> int:
    """Delete up to `batch` keys whose answers expired; the worker calls it with
    retention."""
    now = utcnow()
    expired = list(
        session.scalars(
            select(IdempotencyKey.id).where(IdempotencyKey.expires_at <= now).limit(batch)
        )
    )
    if expired:
        session.execute(
            delete(IdempotencyKey)
            .where(IdempotencyKey.id.in_(expired), IdempotencyKey.expires_at <= now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return len(expired)


def forget_answers_naming(session: Session, ids: list[str], settings: Settings) -> int:
    """Delete the kept answers that name any of `ids` (an erased supporter's actions and
    letters: an action's answer holds the letters' text). Keys live a day, so this reads
    a day of answers at most; the caller commits."""
    needles = [identifier.encode() for identifier in ids]
    if not needles:
        return 0
    kept = session.execute(
        select(IdempotencyKey.id, IdempotencyKey.body)
        .where(IdempotencyKey.state == "done")
        .execution_options(yield_per=500)
    )
    fernet = sealer(settings, SEALING_PURPOSE)
    naming = []
    for key_id, sealed in kept:
        try:
            body = fernet.decrypt(sealed or b"")
        except InvalidToken:
            naming.append(key_id)  # unreadable: never to be replayed, so let it go too
            continue
        if any(needle in body for needle in needles):
            naming.append(key_id)
    if naming:
        session.execute(
            delete(IdempotencyKey)
            .where(IdempotencyKey.id.in_(naming))
            .execution_options(synchronize_session=False)
        )
    return len(naming)
