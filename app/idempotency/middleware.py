"""`Idempotency-Key` on every POST: the request is run once, and its answer is given
again to every retry of it for a day."""

import logging
import re

import anyio
from sqlalchemy import Connection, Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.deps import keyed_operations
from app.db import REQUEST_TRANSACTION, begin_request_transaction, session_in
from app.errors import DomainError, invalid_field, problem_response
from app.idempotency import service
from app.idempotency.service import Claimed, InProgress, Mismatch, StoredResponse

log = logging.getLogger(__name__)

HEADER = b"idempotency-key"
# The API's POSTs; the action page's forms are answered in HTML and retried by hand.
IDEMPOTENT_PATHS = ("/v1/",)
_WELL_FORMED = re.compile(r"^[\x21-\x7e]{1,255}$")
# Not answers the client should keep: ours to fail (5xx), a request we would not run yet
# (429), or one that did nothing (no such path or method): a retry runs these afresh, and
# nobody fills the table with keyed requests to nowhere.
_NOT_KEPT = {404, 405, 429}
_NOT_REPLAYED_HEADERS = {"date", "server"}


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith(IDEMPOTENT_PATHS)
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        if headers.get(b"authorization") is None and _needs_a_key(scope):
            # Authentication comes first: the application answers 401, and no key is
            # looked at, held or kept for a caller who may not make this request at all.
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        if not _WELL_FORMED.match(key):
            await _problem_for(
                invalid_field(
                    "Idempotency-Key",
                    "must be 1 to 255 printable ASCII characters, such as a UUID",
                    where="header",
                ),
                scope,
                receive,
                send,
            )
            return
        body = await _read_body(receive)
        fingerprint = service.fingerprint_of(
            scope["method"], scope["path"], scope.get("query_string", b""), body
        )
        state = scope["app"].state
        with state.sessionmaker() as session:
            owner = await run_in_threadpool(
                service.owner_of, session, headers.get(b"authorization")
            )
            if owner is not None:
                outcome = await run_in_threadpool(
                    service.claim, session, owner, key, fingerprint, state.settings
                )
        if owner is None:  # not a live key: the application refuses it, nothing is kept
            await self.app(scope, _replaying(body), send)
            return
        if isinstance(outcome, StoredResponse):
            await _replay(outcome, send)
        elif isinstance(outcome, Mismatch):
            await _problem(
                422,
                "idempotency-key-reused",
                "This Idempotency-Key was used for another request",
                "Use a new key for a new request; send the same body again to retry.",
                scope,
                receive,
                send,
            )
        elif isinstance(outcome, InProgress):
            await _problem(
                409,
                "idempotency-key-in-use",
                "A request with this Idempotency-Key is still running",
                "Retry shortly: the first request's answer will then be given again.",
                scope,
                receive,
                send,
                headers={"Retry-After": "1"},
            )
        else:
            await self._run_once(outcome, scope, body, send)

    async def _run_once(self, claimed: Claimed, scope: Scope, body: bytes, send: Send) -> None:
        """Run the request in one transaction with the keeping of its answer: a host that
        dies before the commit leaves neither, and a retry then runs the request afresh."""
        state = scope["app"].state
        engine: Engine = state.sessionmaker.kw["bind"]
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            connection = await run_in_threadpool(begin_request_transaction, engine)
        except BaseException:  # the database is busy or gone: the request did nothing
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(_release_after_failure, state, None, claimed.key_id)
            raise
        try:
            try:
                async with anyio.create_task_group() as holding:
                    if engine.dialect.name != "sqlite":
                        # On SQLite the request holds the database's write lock until it
                        # commits: nobody can take its key over meanwhile (that is a
                        # write), and a renewal, on another connection, would wait for it.
                        holding.start_soon(_hold, scope, claimed.key_id)
                    await self.app(
                        dict(scope, **{REQUEST_TRANSACTION: connection}), _replaying(body), capture
                    )
                    holding.cancel_scope.cancel()
                response = StoredResponse(
                    start["status"],
                    [
                        (name.decode("latin-1"), value.decode("latin-1"))
                        for name, value in start.get("headers", [])
                    ],
                    b"".join(chunks),
                )
                await run_in_threadpool(
                    _keep_with_the_work, state, connection, claimed.key_id, response
                )
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await run_in_threadpool(
                        _release_after_failure, state, connection, claimed.key_id
                    )
                raise
        finally:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(connection.close)
        # Answered only once kept: a retry never finds the work done but no answer.
        await send(start)
        await send({"type": "http.response.body", "body": response.body})


def _keep_with_the_work(
    state: State, connection: Connection, key_id: str, response: StoredResponse
) -> None:
    """Keep the answer (or let the key go, for an answer not kept) in the request's own
    transaction, and commit the two at once."""
    with session_in(state.sessionmaker, connection) as session:
        if response.status_code >= 500 or response.status_code in _NOT_KEPT:
            service.release(session, key_id)
        else:
            service.complete(session, key_id, response, state.settings)
    connection.commit()


def _release_after_failure(state: State, connection: Connection | None, key_id: str) -> None:
    """The request failed: nothing it did is kept, and a retry may run it afresh. (If its
    commit failed only on the way back, the key is kept as done, and release leaves it.)"""
    if connection is not None:
        try:
            connection.rollback()
        except Exception:  # a connection lost mid-request: its transaction is gone too
            log.warning("could not roll back a keyed request's transaction", exc_info=True)
    with state.sessionmaker() as session:
        service.release(session, key_id)


def _needs_a_key(scope: Scope) -> bool:
    """Whether the operation this request names wants an API key."""
    state = scope["app"].state
    keyed = getattr(state, "keyed_operations", None)
    if keyed is None:
        keyed = state.keyed_operations = keyed_operations(scope["app"].routes)
    return any(
        scope["method"] in methods and pattern.match(scope["path"]) for pattern, methods in keyed
    )


async def _hold(scope: Scope, key_id: str) -> None:
    """Keep the key held while its request runs, however long: a retry then waits (409)
    rather than taking a running request's key over when its lock would have run out."""
    state = scope["app"].state
    while True:
        await anyio.sleep(state.settings.idempotency_lock_seconds / 3)
        # A renewal that fails must not fail the request it holds for: the lock may then
        # lapse, no worse than without renewal.
        try:
            with state.sessionmaker() as session:
                await run_in_threadpool(service.extend_lock, session, key_id, state.settings)
        except Exception:
            log.warning("could not renew the hold on an idempotency key", exc_info=True)


def _replaying(body: bytes) -> Receive:
    """A `receive` that gives the body already read, once."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _replay(stored: StoredResponse, send: Send) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in stored.headers
        if name.lower() not in _NOT_REPLAYED_HEADERS
    ]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": stored.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": stored.body})


async def _problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    scope: Scope,
    receive: Receive,
    send: Send,
    headers: dict[str, str] | None = None,
) -> None:
    response = problem_response(
        status, slug, title, detail, headers=headers, instance=scope["path"]
    )
    await response(scope, receive, send)


async def _problem_for(error: DomainError, scope: Scope, receive: Receive, send: Send) -> None:
    response = problem_response(
        error.status,
        error.slug,
        error.title,
        error.detail,
        errors=error.errors,
        instance=scope["path"],
    )
    await response(scope, receive, send)
