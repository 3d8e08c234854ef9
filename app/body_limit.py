"""Refuse request bodies over a size bound with 413, before a handler reads them whole;
and read no body at all before the route and the caller's key say it may be read."""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.deps import admit, bearer_key, missing_key, required_scope
from app.auth.scopes import Scope as KeyScope
from app.errors import (
    PROBLEM_MEDIA_TYPE,
    DomainError,
    PayloadTooLarge,
    domain_problem,
    problem_type,
)


@dataclass(frozen=True)
class Operation:
    """What the body limit needs to know of a route: where it is, and its key's scope."""

    path_regex: re.Pattern[str]
    methods: frozenset[str]
    path: str
    needs: KeyScope | None

    @property
    def is_import(self) -> bool:
        return self.path.endswith("/import")


def operations_of(routes: Sequence[BaseRoute]) -> list[Operation]:
    """The app's operations in the order its router tries them."""
    found = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        if isinstance(route, APIRoute) and context.path_format is not None:
            found.append(
                Operation(
                    context.path_regex,
                    frozenset(context.methods or ()),
                    context.path_format,
                    required_scope(route),
                )
            )
    return found


class BodyLimitMiddleware:
    """Reads the request body up to its bound before the application sees it (handlers
    read bodies whole anyway), so a body that streams past the bound without declaring
    its length is refused as surely as one that declares it."""

    def __init__(self, app: ASGIApp, *, default: int, imports: int) -> None:
        self.app = app
        self.default = default
        self.imports = imports
        self.operations: list[Operation] | None = None  # read from the app on first use

    def operation_of(self, scope: Scope) -> Operation | None:
        """The operation a request reaches, if its path and method name one."""
        if self.operations is None:
            self.operations = operations_of(scope["app"].routes)
        for operation in self.operations:
            if scope["method"] in operation.methods and operation.path_regex.match(scope["path"]):
                return operation
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        operation = self.operation_of(scope)
        if operation is None:  # no such path or method: the app answers 404 or 405, unread
            await self.app(scope, receive, send)
            return
        try:
            await self.admit_caller(scope, operation)
        except DomainError as refused:
            await domain_problem(refused, scope["path"])(scope, receive, send)
            return
        limit = self.imports if operation.is_import else self.default
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refuse(send, limit)
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await _refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def admit_caller(self, scope: Scope, operation: Operation) -> None:
        """A keyed operation without a key is refused before its body is read; an import,
        whose bound is large, also with a key that is not live or lacks the scope. (The
        route's own dependency checks the key again: this only spares the reading.)"""
        needed = operation.needs
        if needed is None:
            return
        key = bearer_key(Headers(scope=scope).get("authorization"))
        if key is None:
            raise missing_key()
        if not operation.is_import:
            return

        def check() -> None:
            with scope["app"].state.sessionmaker() as session:
                admit(session, key, needed)

        await run_in_threadpool(check)


async def _refuse(send: Send, limit: int) -> None:
    body: dict[str, Any] = {
        "type": problem_type(PayloadTooLarge.slug),
        "title": PayloadTooLarge.title,
        "status": 413,
        "detail": f"A request body here may hold at most {limit} bytes.",
        "max_bytes": limit,
    }
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
