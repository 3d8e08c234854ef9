"""The real application for uvicorn, in a process a test kills. At the moment named in
`DYING_HOST_MOMENT` it creates the file named in `DYING_HOST_FLAG` and then waits for
ever, so that the test kills it (SIGKILL) exactly there:

- `keeping` (the default): when it comes to keep the answer to a keyed request, after
  the request's work;
- `answering`: when it comes to send an answer, after everything was committed.

Used only by tests/idempotency/test_idempotency_crash.py."""

import os
import time
from pathlib import Path
from typing import Any

import anyio
from starlette.types import Message, Receive, Scope, Send

from app.asgi import app as application
from app.idempotency import service

_FLAG = Path(os.environ["DYING_HOST_FLAG"])
_MOMENT = os.environ.get("DYING_HOST_MOMENT", "keeping")


def _announce_and_hang(*_: Any, **__: Any) -> None:
    _FLAG.touch()
    while True:
        time.sleep(60)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    async def hang_before_answering(message: Message) -> None:
        if message["type"] == "http.response.start" and scope["path"].startswith("/v1/"):
            _FLAG.touch()
            while True:
                await anyio.sleep(60)
        await send(message)

    dying = _MOMENT == "answering" and scope["type"] == "http"
    await application(scope, receive, hang_before_answering if dying else send)


if _MOMENT == "keeping":
    service.complete = _announce_and_hang
