"""The real application for uvicorn, in a process a test kills: when it comes to keep
the answer to a keyed request, it says so by creating the file named in
`DYING_HOST_FLAG` and then waits for ever, so that the test kills it (SIGKILL) exactly
between the work and the keeping of its answer. Used only by tests/test_idempotency_crash.py."""

import os
import time
from pathlib import Path
from typing import Any

from app.asgi import app
from app.idempotency import service

__all__ = ["app"]

_FLAG = Path(os.environ["DYING_HOST_FLAG"])


def _announce_and_hang(*_: Any, **__: Any) -> None:
    _FLAG.touch()
    while True:
        time.sleep(60)


service.complete = _announce_and_hang
