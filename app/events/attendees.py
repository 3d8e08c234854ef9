"""Attendees entered from a CSV file: every row checked first (its fields, then every
quality check an action meets, by composing its letters without storing them), then,
only if no row is refused, all of them written in one transaction: the file is taken
whole or not at all.

Columns (a header row names them; order free; the names are the API's):
first_name, last_name, email, street_address, city, province, postal_code, intro
(required); language (en or fr; the campaign's first by default), consent_to_contact
(yes or no; no by default: consent is never assumed), phone, district, concern, ask
(optional; concern and ask only where the campaign lets supporters write them)."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.console import i18n
from app.directory.lookup import DistrictProvider
from app.errors import DomainError
from app.events.models import Event
from app.events.service import enter_attendee, live_campaign_of
from app.letters import service as letters
from app.letters.messages import plain_field_errors
from app.letters.models import Action, email_key_of
from app.letters.schemas import ActionCreate
from app.settings import Settings
from app.web.i18n import Language
from app.web.service import SUPPORTER_FIELDS, error_message, form_field, writable_parts

REQUIRED = (*SUPPORTER_FIELDS, "intro")
OPTIONAL = ("language", "consent_to_contact", "phone", "district", "concern", "ask")
COLUMNS = (*REQUIRED, *OPTIONAL)
MAX_ROWS = 1000
YES, NO = {"yes", "oui", "y", "o", "true", "1"}, {"", "no", "non", "n", "false", "0"}


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class Checked:
    """A file's rows as actions, the errors found, and how many letters they write."""

    bodies: list[ActionCreate] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    letters: int = 0


def read_rows(text: str, language: Language) -> tuple[list[dict[str, str]], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    errors = [RowError(1, name, i18n.text("csv_missing", language)) for name in missing]
    errors += [RowError(1, name, i18n.text("csv_unknown", language)) for name in unknown]
    if errors:
        return [], errors
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    if len(rows) > MAX_ROWS:
        return [], [RowError(MAX_ROWS + 2, "", i18n.text("csv_too_many", language, most=MAX_ROWS))]
    return rows, []


def body_of(
    row: dict[str, str], campaign: Campaign, language: Language
) -> ActionCreate | list[tuple[str, str]]:
    """A row as the API's body, or its errors (column, message in `language`)."""
    consent = row.get("consent_to_contact", "").casefold()
    if consent not in YES | NO:
        return [("consent_to_contact", i18n.text("csv_yes_or_no", language))]
    body: dict[str, Any] = {
        "supporter": {name: row.get(name, "") for name in SUPPORTER_FIELDS}
        | {"phone": row.get("phone") or None},
        "intro": row.get("intro", ""),
        "consent_to_contact": consent in YES,
        "district": row.get("district") or None,
    }
    if row.get("language"):
        body["language"] = row["language"]
    for part in writable_parts(campaign):
        if row.get(part):
            body[part] = row[part]
    try:
        return ActionCreate.model_validate(body)
    except ValidationError as error:
        return [
            worded(entry, row, language) for entry in plain_field_errors(error.errors(), language)
        ]


def worded(entry: dict[str, Any], row: dict[str, str], language: Language) -> tuple[str, str]:
    """(column, message): the action page's words for a field's error."""
    column = str(entry.get("field", "")).removeprefix("supporter.")
    name = form_field(str(entry.get("field", "")))
    if name == "form":
        return column, str(entry.get("message", ""))
    return column, error_message(name, entry, row, language, choosing=False)


def _taken_addresses(session: Session, campaign_id: str, keys: set[str]) -> set[str]:
    found = session.scalars(
        select(Action.email_key).where(
            Action.campaign_id == campaign_id, Action.email_key.in_(keys)
        )
    )
    return set(found)


def check_file(
    session: Session, event: Event, text: str, provider: DistrictProvider, language: Language
) -> Checked:
    """The dry run: every row checked as an action would be, nothing stored. Messages in
    `language` (the console's); quality refusals in the letter's, as the service words
    them."""
    campaign = live_campaign_of(session, event.organisation_id, event.campaign_id)
    rows, errors = read_rows(text, language)
    checked = Checked(errors=errors)
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        body = body_of(row, campaign, language)
        if isinstance(body, list):
            checked.errors += [RowError(number, column, message) for column, message in body]
            continue
        key = email_key_of(body.supporter.email)
        if key in seen:
            same = i18n.text("csv_same_email", language, row=seen[key])
            checked.errors.append(RowError(number, "email", same))
            continue
        seen[key] = number
        try:
            composed = letters.compose(
                session, campaign, body, provider, date.today(), by_hand=True
            )
        except DomainError as error:
            found = error.errors or [{"field": "", "message": error.detail or error.title}]
            checked.errors += [RowError(number, *worded(e, row, language)) for e in found]
            continue
        checked.bodies.append(body)
        checked.letters += len(composed.letters)
    for key in _taken_addresses(session, campaign.id, set(seen)):
        acted = i18n.text("csv_already_acted", language)
        checked.errors.append(RowError(seen[key], "email", acted))
    checked.errors.sort(key=lambda e: (e.row, e.column))
    return checked


def apply_file(
    session: Session,
    event: Event,
    text: str,
    provider: DistrictProvider,
    settings: Settings,
    language: Language,
) -> Checked:
    """The file's attendees written, all in one transaction, if the dry run refuses no
    row; else nothing is written and the errors are answered."""
    checked = check_file(session, event, text, provider, language)
    if checked.errors:
        return checked
    try:
        for body in checked.bodies:
            enter_attendee(session, event, body, provider, settings, commit=False)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return checked
