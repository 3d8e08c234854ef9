"""Structured logs: one JSON object per line, each carrying the id of the request it
belongs to, and one line per request answered."""

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.settings import Settings

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

REQUEST_ID_HEADER = b"x-request-id"
# A caller's own id is kept when it is plainly an id; anything else could forge log lines.
_WELL_FORMED_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")
# Addresses that are keys in themselves (a supporter's letters page lets its holder stop
# letters) are logged without the key.
_KEY_IN_PATH = re.compile(r"^/letters/[^/]+")
# The attributes every LogRecord has; anything else was passed in `extra=` (but uvicorn's
# terminal colours).
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}

access_log = logging.getLogger("letterdesk.access")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current:
            entry["request_id"] = current
        entry.update(
            (name, value) for name, value in record.__dict__.items() if name not in _STANDARD
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    """Send every logger (ours, uvicorn's, SQLAlchemy's) to stderr in one format."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Each request is logged once, with its id, by RequestIdMiddleware.
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False
    # httpx logs every URL it fetches at info; lookups' URLs hold supporters' postal codes.
    logging.getLogger("httpx").setLevel(logging.WARNING)


class RequestIdMiddleware:
    """Gives every request an id (the caller's `X-Request-ID` if it sent a well-formed
    one), answers it in `X-Request-ID`, and logs one line per request. Query strings are
    not logged: some carry a supporter's email address."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(REQUEST_ID_HEADER, b"")
        rid = sent.decode() if _WELL_FORMED_ID.match(sent) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, rid.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            path = _KEY_IN_PATH.sub("/letters/…", scope["path"])
            access_log.info(
                "%s %s %s",
                scope["method"],
                path,
                status,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client": scope["client"][0] if scope.get("client") else None,
                },
            )
            request_id.reset(token)
