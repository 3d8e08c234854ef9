"""Reading an uploaded file: its media type, its encoding, and CSV with a checked header.
A file comes as the body itself (text/csv, application/json) or as the `file` part of a
multipart/form-data upload (a browser form, `curl -F file=@x.csv`)."""

import csv
import io
import json
from typing import Any, Literal

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from app.errors import InvalidInput

_BY_EXTENSION = {".csv": "text/csv", ".json": "application/json"}


def _file_refused(message: str) -> InvalidInput:
    return InvalidInput(
        "Send the file as the multipart part named `file`.",
        errors=[{"field": "file", "in": "body", "message": message}],
    )


async def read_upload(request: Request) -> tuple[bytes, str]:
    """The file an import request carries and its media type: the body itself, or the
    `file` part of a multipart upload, whose media type is its own, or its name's (a
    browser says `application/octet-stream` for a .csv it does not know)."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        return await request.body(), content_type
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as error:
        raise _file_refused(f"cannot be read: {error.message}") from None
    except HTTPException as error:  # Starlette's answer to a MultiPartException in an app
        raise _file_refused(f"cannot be read: {error.detail}") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise _file_refused("is required, as a file")
    media_type = (upload.content_type or "").split(";")[0].strip().lower()
    if media_type in {"", "application/octet-stream", "text/plain"}:
        name = (upload.filename or "").lower()
        media_type = next((t for ext, t in _BY_EXTENSION.items() if name.endswith(ext)), "")
    if not media_type:
        raise _file_refused("is neither text/csv nor application/json (nor named .csv or .json)")
    return await upload.read(), media_type


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


class CsvRow(dict[str, str]):
    """A CSV row's cells by column, and the line of the file it starts on (the header is
    line 1): errors name the line and the column as the file has them."""

    line: int = 0


class CsvRecord(dict[str, Any]):
    """A record built from a CSV row: the row's line, and the CSV column each of the
    record's fields came from ("district.name" from `district_name`)."""

    line: int = 0
    columns: dict[str, str]

    def column_of(self, path: str) -> str:
        """The column a field's dotted path came from (or its nearest parent's)."""
        parts = path.split(".")
        for end in range(len(parts), 0, -1):
            column = self.columns.get(".".join(parts[:end]))
            if column is not None:
                return column
        return path


def in_file(number: int, record: Any, error: dict[str, Any]) -> dict[str, Any]:
    """A row's error as the file has it: the CSV column and line for a CSV row (the row
    number counts data rows, from 1), the field's path for a JSON one."""
    found = {k: v for k, v in error.items() if k != "in"}
    if isinstance(record, CsvRecord):
        return (
            {"row": number, "line": record.line}
            | found
            | {"field": record.column_of(str(error.get("field", "")))}
        )
    if isinstance(record, CsvRow):
        return {"row": number, "line": record.line} | found
    return {"row": number} | found


def csv_rows(text: str, known_columns: set[str]) -> list[CsvRow]:
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
    rows: list[CsvRow] = []
    next_line = reader.line_num + 1
    try:
        for cells in reader:
            row = CsvRow(cells)
            row.line, next_line = next_line, reader.line_num + 1
            if None in row or any(value is None for value in row.values()):
                raise InvalidInput(
                    errors=[
                        row_error(
                            len(rows) + 1,
                            "",
                            "does not have as many cells as the header",
                            line=row.line,
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
