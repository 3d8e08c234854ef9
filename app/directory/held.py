"""What an action looks up in its organisation's directory (a role's holders, a postal
code's districts, a district's representatives), held in each API process's memory while
the organisation's directory version stands. The database moves that version on every
change to the organisation's recipients, roles and postal table (migration 0028's
triggers), whoever makes it; a request learns it in the one row it reads for its
campaign (`app.campaigns.held`), and without it every lookup goes to the database.

Values held are detached from any session and never changed: recipients with their
columns loaded (not their roles), dataclasses."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

HELD = 20_000  # lookups per process, the most recently used kept
VERSIONS = "directory_versions"  # the key of session.info where a request leaves them

T = TypeVar("T")

_lock = threading.Lock()
_held: OrderedDict[tuple[str, Hashable], tuple[int, Any]] = OrderedDict()


def remember_version(session: Session, organisation_id: str, version: int) -> None:
    """`organisation_id`'s directory is at `version` in this session's transaction."""
    session.info.setdefault(VERSIONS, {})[organisation_id] = version


def held(
    session: Session,
    organisation_id: str,
    key: Hashable,
    load: Callable[[], T],
    detach: Callable[[T], list[Any]] = lambda _: [],
) -> T:
    """The value `load()` answers for `key` in `organisation_id`'s directory, from memory
    when it was loaded at the version this session knows; `detach(value)` names the ORM
    objects in it, taken out of the session before the value is held."""
    version = session.info.get(VERSIONS, {}).get(organisation_id)
    if version is None:
        return load()
    full_key = (organisation_id, key)
    with _lock:
        entry = _held.get(full_key)
        if entry is not None:
            _held.move_to_end(full_key)
    if entry is not None and entry[0] == version:
        value: T = entry[1]
        return value
    value = load()
    for instance in detach(value):
        if instance in session:
            session.expunge(instance)
    with _lock:
        _held[full_key] = (version, value)
        _held.move_to_end(full_key)
        while len(_held) > HELD:
            _held.popitem(last=False)
    return value
