"""An organisation's own postal-code table: whole codes or prefixes, each to a district.
An import replaces the whole table in one transaction."""

from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.auth.service import lock_organisation
from app.directory.files import (
    csv_rows,
    decode_body,
    in_file,
    limit_rows,
    load_json,
    row_error,
)
from app.directory.models import PostalCodeDistrict
from app.directory.schemas import PostalCodeEntry, PostalCodeImportResult
from app.errors import InvalidInput, field_errors
from app.fields import fold
from app.ids import new_id

COLUMNS = {"postal_code", "district_name", "district_code", "province"}


def validate_entries(records: list[dict[str, Any]]) -> list[PostalCodeEntry]:
    entries, errors = [], []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            errors.append(row_error(number, "", "must be an object"))
            continue
        try:
            entries.append(PostalCodeEntry.model_validate(record))
        except ValidationError as error:
            errors += [
                in_file(number, record, {"field": e["field"], "message": e["message"]})
                for e in field_errors(error.errors())
            ]
        if len(errors) >= 100:
            break
    if errors:
        raise InvalidInput(
            f"Nothing was imported: row {errors[0]['row']} is not valid.", errors=errors
        )
    return entries


def replace_table(
    session: Session, organisation_id: str, entries: list[PostalCodeEntry]
) -> PostalCodeImportResult:
    """Make the table hold exactly `entries`; a table that already does is left as is.
    Replacements of one organisation's table run one at a time."""
    lock_organisation(session, organisation_id)
    table = PostalCodeDistrict.__table__
    wanted = {
        (entry.postal_code, fold(entry.district_name)): (
            entry.district_name,
            entry.district_code,
            entry.province,
        )
        for entry in entries
    }
    held = {
        (row.prefix, row.district_key): (
            row.district_name,
            row.district_code,
            row.district_province,
        )
        for row in session.execute(select(table).where(table.c.organisation_id == organisation_id))
    }
    if held == wanted:
        session.commit()
        return PostalCodeImportResult(rows=len(wanted), replaced=len(held), unchanged=True)
    session.execute(
        delete(PostalCodeDistrict).where(PostalCodeDistrict.organisation_id == organisation_id)
    )
    rows = [
        {
            "id": new_id("pcd"),
            "organisation_id": organisation_id,
            "prefix": prefix,
            "district_key": key,
            "district_name": name,
            "district_code": code,
            "district_province": province,
        }
        for (prefix, key), (name, code, province) in wanted.items()
    ]
    for start in range(0, len(rows), 1000):
        session.execute(insert(PostalCodeDistrict), rows[start : start + 1000])
    session.commit()
    return PostalCodeImportResult(rows=len(rows), replaced=len(held), unchanged=False)


def import_table(
    session: Session, organisation_id: str, body: bytes, content_type: str, max_rows: int
) -> PostalCodeImportResult:
    kind, text = decode_body(body, content_type)
    records: Any = csv_rows(text, COLUMNS) if kind == "csv" else load_json(text)
    if isinstance(records, dict):
        records = records.get("entries")
    if not isinstance(records, list):
        raise InvalidInput('Send a list of entries, or {"entries": [...]}.')
    return replace_table(session, organisation_id, validate_entries(limit_rows(records, max_rows)))
