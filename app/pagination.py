"""Resumable keyset pagination. A list is read in a fixed order (`sort` by creation, or
by last change where rows change; `order` ascending or descending) and a cursor is the
position of the last row a page gave, with the order it was read in. Every page gives a
cursor, the last one too: kept and sent again later, it answers the rows made (or
changed, in `updated_at` order) since, so a client syncs by resuming where it stopped.
Rows inserted while a client pages never move the position, so none is skipped or given
twice. Cursors are opaque to clients: their form may change; a cursor we did not give,
or one used with another `sort` or `order` than it was made with, is a 422 naming it."""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, or_
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.ids import is_well_formed

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

Sort = Literal["created_at", "updated_at"]
Order = Literal["asc", "desc"]


@dataclass(frozen=True)
class Position:
    """Where a page ended: the sort and order it was read in, and the last row's key
    (None: before the first row)."""

    sort: Sort
    order: Order
    last_id: str | None = None
    last_updated_at: datetime | None = None


def encode_cursor(position: Position) -> str:
    document: dict[str, Any] = {"s": position.sort, "o": position.order, "i": position.last_id}
    if position.last_updated_at is not None:
        document["u"] = position.last_updated_at.isoformat()
    raw = json.dumps(document, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad_cursor(message: str = "is not a cursor we gave") -> InvalidInput:
    return InvalidInput(errors=[{"field": "cursor", "in": "query", "message": message}])


def _position(document: Any) -> Position:
    if not isinstance(document, dict) or set(document) - {"s", "o", "i", "u"}:
        raise ValueError("not a cursor document")
    sort, order, last_id = document.get("s"), document.get("o"), document.get("i")
    if sort not in ("created_at", "updated_at") or order not in ("asc", "desc"):
        raise ValueError("no sort or order")
    if last_id is not None and not (isinstance(last_id, str) and is_well_formed(last_id)):
        raise ValueError("not an id")
    updated = document.get("u")
    last_updated_at = datetime.fromisoformat(updated) if isinstance(updated, str) else None
    if (sort == "updated_at") != (last_updated_at is not None) and last_id is not None:
        raise ValueError("a position in updated_at order has a time, and only it")
    if last_updated_at is not None and last_updated_at.tzinfo is None:
        raise ValueError("naive time")
    return Position(sort, order, last_id, last_updated_at)


def decode_cursor(cursor: str) -> Position:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True).decode()
        if is_well_formed(raw):  # a cursor from before cursors said their order
            return Position("created_at", "asc", raw)
        return _position(json.loads(raw))
    except (binascii.Error, UnicodeError, ValueError):
        raise _bad_cursor() from None


@dataclass(frozen=True)
class ListWindow:
    """Which part of a list a request reads: the query parameters every list takes."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    order: Order = "asc"
    created_after: datetime | None = None
    sort: Sort = "created_at"
    updated_since: datetime | None = None

    def start(self) -> Position:
        if self.cursor is None:
            return Position(self.sort, self.order)
        position = decode_cursor(self.cursor)
        if (position.sort, position.order) != (self.sort, self.order):
            raise _bad_cursor(
                f"was given for sort={position.sort}&order={position.order}; "
                "send those with it, or start without a cursor"
            )
        return position


LimitQuery = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description="How many rows a page holds at most.")
]
CursorQuery = Annotated[
    str | None,
    Query(
        max_length=400,
        description="A page's `next_cursor`: the rows after it. The last page's cursor "
        "too: kept, it answers the rows made (or changed) since.",
    ),
]
OrderQuery = Annotated[Order, Query(description="`asc` oldest first, `desc` newest first.")]
CreatedAfterQuery = Annotated[
    datetime | None, Query(description="Only rows made after this instant (ISO 8601).")
]


def _window(
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    order: OrderQuery = "asc",
    created_after: CreatedAfterQuery = None,
) -> ListWindow:
    return ListWindow(limit, cursor, order, created_after)


def _changing_window(
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
    order: OrderQuery = "asc",
    created_after: CreatedAfterQuery = None,
    sort: Annotated[
        Sort,
        Query(
            description="`created_at`: in the order rows were made. `updated_at`: in the "
            "order they last changed; resume from the last page's cursor to get what "
            "changed since."
        ),
    ] = "created_at",
    updated_since: Annotated[
        datetime | None, Query(description="Only rows changed at or after this instant.")
    ] = None,
) -> ListWindow:
    return ListWindow(limit, cursor, order, created_after, sort, updated_since)


# A list of rows that are made and not changed after (or whose changes have no time).
Window = Annotated[ListWindow, Depends(_window)]
# A list of rows that change and say when (`updated_at`).
ChangingWindow = Annotated[ListWindow, Depends(_changing_window)]


PAGE_EXAMPLE: dict[str, Any] = {
    "next_cursor": encode_cursor(Position("created_at", "asc", "ltr_01JDQ7ZK3M4N5P6Q7R8S9T0VWX")),
    "has_more": False,
}


class PageOut(BaseModel):
    """What every list answer has besides its items."""

    next_cursor: str = Field(
        description="Send as `cursor` for the next page. Given on the last page too: "
        "kept, it resumes from there later."
    )
    has_more: bool = Field(description="Whether more rows follow now.")


RowT = TypeVar("RowT")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Page(Generic[RowT]):
    items: list[RowT]
    next_cursor: str
    has_more: bool

    def map(self, shape: Callable[[RowT], ItemT]) -> "Page[ItemT]":
        return Page([shape(row) for row in self.items], self.next_cursor, self.has_more)


@dataclass(frozen=True)
class Keys:
    """A listed table's columns a window reads: its time-ordered id, when a row was made,
    and when it last changed (None for rows with no such time)."""

    id: SQLColumnExpression[str]
    created_at: SQLColumnExpression[datetime]
    updated_at: SQLColumnExpression[datetime] | None = None


def _after(keys: Keys, position: Position) -> ColumnElement[bool] | None:
    if position.last_id is None:
        return None
    later = position.order == "asc"
    past_id = keys.id > position.last_id if later else keys.id < position.last_id
    if position.sort == "created_at":
        return past_id
    assert keys.updated_at is not None and position.last_updated_at is not None
    at = position.last_updated_at
    past_time = keys.updated_at > at if later else keys.updated_at < at
    return or_(past_time, and_(keys.updated_at == at, past_id))


def _ordered(query: Select[RowT], keys: Keys, position: Position) -> Select[RowT]:
    columns: list[Any] = [keys.id]
    if position.sort == "updated_at":
        columns.insert(0, keys.updated_at)
    if position.order == "desc":
        columns = [column.desc() for column in columns]
    return query.order_by(*columns)


def _filtered(query: Select[RowT], keys: Keys, window: ListWindow) -> Select[RowT]:
    changing = window.sort == "updated_at" or window.updated_since is not None
    if changing and keys.updated_at is None:  # the dependency offers neither: a wiring mistake
        raise ValueError("this list's rows have no updated_at")
    if window.created_after is not None:
        query = query.where(keys.created_at > window.created_after)
    if window.updated_since is not None and keys.updated_at is not None:
        query = query.where(keys.updated_at >= window.updated_since)
    return query


def _end_of(row: Any, keys: Keys, position: Position) -> Position:
    # Every listed table names these columns `id` and `updated_at`.
    updated = row.updated_at if position.sort == "updated_at" else None
    return Position(position.sort, position.order, str(row.id), updated)


def page_of(session: Session, query: Select[RowT], keys: Keys, window: ListWindow) -> Page[RowT]:
    """One page of `query`'s rows in the window's order, after its cursor, and the cursor
    after the page's last row (or the same position, if the page is empty)."""
    position = window.start()
    query = _filtered(query, keys, window)
    after = _after(keys, position)
    if after is not None:
        query = query.where(after)
    rows = list(session.scalars(_ordered(query, keys, position).limit(window.limit + 1)))
    items, has_more = rows[: window.limit], len(rows) > window.limit
    end = _end_of(items[-1], keys, position) if items else position
    return Page(items, encode_cursor(end), has_more)
