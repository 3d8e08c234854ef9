"""Refuse request bodies over a size bound with 413, before a handler reads them whole."""

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_MEDIA_TYPE, PayloadTooLarge, problem_type


class BodyLimitMiddleware:
    """Reads the request body up to its bound before the application sees it (handlers
    read bodies whole anyway), so a body that streams past the bound without declaring
    its length is refused as surely as one that declares it."""

    def __init__(self, app: ASGIApp, *, default: int, imports: int) -> None:
        self.app = app
        self.default = default
        self.imports = imports

    def limit_for(self, path: str) -> int:
        return self.imports if path.endswith("/import") else self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
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
