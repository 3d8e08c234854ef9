"""Cursor pagination over time-ordered ids: the cursor is the last id a page gave."""

import base64
import binascii

from app.errors import InvalidInput
from app.ids import is_well_formed

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        last_id = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        last_id = ""
    if not is_well_formed(last_id):
        raise InvalidInput(
            errors=[{"field": "cursor", "in": "query", "message": "is not a cursor we gave"}]
        )
    return last_id
