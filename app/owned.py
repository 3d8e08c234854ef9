"""One "owned or 404" for every feature: a row another organisation owns is as absent
as one that does not exist, so ids cannot be probed across organisations."""

from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.ids import is_well_formed


class Owned(Protocol):
    @property
    def organisation_id(self) -> str: ...


RowT = TypeVar("RowT", bound=Owned)


def owned_or_404(
    session: Session, model: type[RowT], row_id: str, organisation_id: str, noun: str
) -> RowT:
    row = session.get(model, row_id) if is_well_formed(row_id) else None
    if row is None or row.organisation_id != organisation_id:
        raise NotFound(f"No {noun} {row_id!r}.")
    return row
