"""A campaign's supporters as the console shows and exports them: each action's details
and whether they consented to hear from the organisation. The CSV is the opt-in list an
organisation imports into its CRM, so its cells are data for a spreadsheet, never
formulas."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.letters.models import Action, Letter

COLUMNS = (
    "action_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "street_address",
    "city",
    "province",
    "postal_code",
    "language",
    "consent_to_contact",
    "created_at",
    "confirmed_at",
)
SHOWN = 100  # the page shows the newest; the export has them all
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class SupporterFilter:
    consent: bool | None = None  # None: everyone


def _actions(organisation_id: str, campaign_id: str, chosen: SupporterFilter) -> Select[Action]:
    query = select(Action).where(
        Action.organisation_id == organisation_id,
        Action.campaign_id == campaign_id,
        Action.scrubbed_at.is_(None),  # an erased supporter is no one's to list
    )
    if chosen.consent is not None:
        query = query.where(Action.consent_to_contact == chosen.consent)
    return query


def newest_supporters(
    session: Session, organisation_id: str, campaign_id: str, chosen: SupporterFilter
) -> tuple[list[Action], int, dict[str, int]]:
    """The newest actions shown on the page, how many match in all, and each shown
    action's number of letters."""
    query = _actions(organisation_id, campaign_id, chosen)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    shown = list(session.scalars(query.order_by(Action.created_at.desc()).limit(SHOWN)))
    counted = session.execute(
        select(Letter.action_id, func.count())
        .where(Letter.action_id.in_([action.id for action in shown]))
        .group_by(Letter.action_id)
    )
    letters = {action_id: count for action_id, count in counted}
    return shown, total, letters


def spreadsheet_safe(value: str) -> str:
    """A cell that a spreadsheet shows as typed: one that would start a formula is
    prefixed with an apostrophe, as OWASP advises."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat()
    return spreadsheet_safe(str(value))


def csv_lines(
    session: Session, organisation_id: str, campaign_id: str, chosen: SupporterFilter
) -> Iterator[str]:
    """The export, a line at a time, oldest first, read in batches."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    query = _actions(organisation_id, campaign_id, chosen).order_by(Action.created_at, Action.id)
    for action in session.scalars(query.execution_options(yield_per=500)):
        writer.writerow([_cell(getattr(action, "id" if c == "action_id" else c)) for c in COLUMNS])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    yield out.getvalue()
