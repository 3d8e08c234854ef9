"""Cursor pagination over time-ordered ids: the cursor is the last id a page gave."""

import base64
import binascii
import re

from app.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


_ID = re.compile(r"^[a-z]{3}_[0-9A-Z]{26}$")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        last_id = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        last_id = ""
    if not _ID.match(last_id):
        raise InvalidInput(
            errors=[{"field": "cursor", "in": "query", "message": "is not a cursor we gave"}]
        )
    return last_id
