"""Cursor pagination over time-ordered ids: the cursor is the last id a page gave."""

import base64
import binascii
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

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


class HasId(Protocol):
    id: Any


RowT = TypeVar("RowT", bound=HasId)


def page_of(
    session: Session,
    query: Select[RowT],
    id_column: InstrumentedAttribute[str],
    limit: int,
    cursor: str | None,
) -> tuple[list[RowT], str | None]:
    """One page of `query`'s rows in id order, after `cursor`, and the next page's cursor
    (None on the last page)."""
    after = decode_cursor(cursor)
    if after:
        query = query.where(id_column > after)
    rows = list(session.scalars(query.order_by(id_column).limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], encode_cursor(str(rows[limit - 1].id))
    return rows, None
