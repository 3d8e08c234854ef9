"""Reading an uploaded file: its media type, its encoding, and CSV with a checked header."""

import csv
import io
import json
from typing import Any, Literal

from app.errors import InvalidInput


def row_error(row: int, field_name: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"row": row, "field": field_name, "message": message, **extra}


def decode_body(body: bytes, content_type: str) -> tuple[Literal["csv", "json"], str]:
    """UTF-8 text (a BOM is tolerated) and whether it is CSV or JSON."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type in {"text/csv", "application/csv"}:
        kind: Literal["csv", "json"] = "csv"
    elif media_type == "application/json" or media_type.endswith("+json"):
        kind = "json"
    else:
        raise InvalidInput(
            "Send the file as text/csv or application/json.",
            errors=[
                {
                    "field": "Content-Type",
                    "in": "header",
                    "message": f"{media_type or 'nothing'!r} is not supported",
                }
            ],
        )
    try:
        return kind, body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            "The file must be UTF-8.", errors=[row_error(0, "body", str(error))]
        ) from None


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise InvalidInput("The JSON nests deeper than we read.") from None
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "The file is not valid JSON.",
            errors=[row_error(0, "body", str(error), line=error.lineno)],
        ) from None
    except ValueError as error:  # a number longer than Python converts, for one
        raise InvalidInput(
            "The file is not JSON we can read.", errors=[row_error(0, "body", str(error))]
        ) from None


def csv_rows(text: str, known_columns: set[str]) -> list[dict[str, str]]:
    """The rows as dicts of the header's columns, after refusing unknown columns (a typo
    in a header would otherwise drop a field silently) and ragged rows."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as error:  # a header cell longer than the csv module reads
        raise InvalidInput(
            "The CSV header cannot be read.", errors=[row_error(0, "", str(error), line=1)]
        ) from None
    unknown = [name for name in columns if name not in known_columns]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    if repeated:
        raise InvalidInput(
            "The CSV header names a column twice.",
            errors=[row_error(0, name, "is named more than once") for name in repeated],
        )
    if unknown or not columns:
        raise InvalidInput(
            "The CSV header names columns we do not know." if unknown else "The CSV has no header.",
            errors=[row_error(0, name, "is not a known column") for name in unknown],
            known_columns=sorted(known_columns),
        )
    reader.fieldnames = columns
    rows: list[dict[str, str]] = []
    try:
        for row in reader:
            if None in row or any(value is None for value in row.values()):
                raise InvalidInput(
                    errors=[
                        row_error(
                            len(rows) + 1,
                            "",
                            "does not have as many cells as the header",
                            line=reader.line_num,
                        )
                    ]
                )
            rows.append(row)
    except csv.Error as error:
        raise InvalidInput(
            "The CSV cannot be read.",
            errors=[row_error(len(rows) + 1, "", str(error), line=reader.line_num)],
        ) from None
    return rows


def limit_rows(records: list[Any], max_rows: int) -> list[Any]:
    if len(records) > max_rows:
        raise InvalidInput(f"An import holds at most {max_rows} rows; this one has {len(records)}.")
    return records
