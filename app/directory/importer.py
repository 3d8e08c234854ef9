"""Import of recipients from a source: our JSON, CSV, or Open North's Represent shape.

All rows are read and validated first; one bad row rejects the whole import, naming the
row and field. The changes are then written in one transaction, so nothing is ever
half-imported. Recipients are matched by `external_id`."""

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.service import lock_organisation
from app.db import utcnow
from app.directory.addresses import parse_address_block
from app.directory.districts import federal_code_in, province_of_district
from app.directory.files import (
    CsvRecord,
    CsvRow,
    csv_rows,
    decode_body,
    in_file,
    limit_rows,
    load_json,
    row_error,
)
from app.directory.models import RECIPIENT_ROLES, RECIPIENTS, Recipient, RecipientRole
from app.directory.schemas import (
    NAMELESS,
    ImportCounts,
    ImportResult,
    RecipientFields,
    Role,
    has_a_name,
)
from app.directory.service import column_values, role_rows, search_key
from app.errors import ConcurrentChange, InvalidInput, field_errors
from app.ids import new_id

Progress = Callable[[int, int], None]

CSV_SCALAR_COLUMNS = {
    "external_id", "honorific", "first_name", "last_name", "display_name", "post_nominals",
    "language", "party", "elected_office", "email", "phone", "salutation_override",
    "salutation_override_fr", "gender", "delivery_preference",
}  # fmt: skip
CSV_DISTRICT_COLUMNS = {"district_code": "code", "district_name": "name", "province": "province"}
CSV_ADDRESS_PARTS = ("address", "city", "province", "postal_code", "phone", "fax", "email")
CSV_ADDRESS_KINDS = ("legislature", "constituency")
CSV_ROLE_COLUMNS = {
    "role_en": "title_en", "role_fr": "title_fr", "role_start": "start_date",
    "role_end": "end_date",
}  # fmt: skip
CSV_COLUMNS = (
    CSV_SCALAR_COLUMNS
    | set(CSV_DISTRICT_COLUMNS)
    | {f"{kind}_{part}" for kind in CSV_ADDRESS_KINDS for part in CSV_ADDRESS_PARTS}
    | set(CSV_ROLE_COLUMNS)
)
SAMPLE_SIZE = 100
# Represent's fields that fill a recipient field of their own, and the text fields read.
REPRESENT_FIELDS = {
    "name": "display_name", "first_name": "first_name", "last_name": "last_name",
    "party_name": "party", "elected_office": "elected_office", "email": "email",
}  # fmt: skip
REPRESENT_TEXT_KEYS = (*REPRESENT_FIELDS, "url", "district_name", "gender")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while an import builds its rows. Tens of
    thousands of records, models and rows that all stay alive make the collector walk
    every object of the process again and again: more than a third of an import's CPU
    time, for no garbage (the rows hold no cycles; they are freed as usual when
    dropped). Process-wide, so a collector another caller switched off stays off, and
    one import ending first re-enables it for the other."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def recipient_records(body: bytes, content_type: str, max_rows: int) -> list[dict[str, Any]]:
    """The raw records of an import, whichever of our formats it is in."""
    kind, text = decode_body(body, content_type)
    records: list[dict[str, Any]]
    if kind == "csv":
        records = [_record_from_csv(row) for row in csv_rows(text, CSV_COLUMNS)]
    else:
        records = json_records(load_json(text))
    return limit_rows(records, max_rows)


def _csv_columns(kinds: list[str]) -> dict[str, str]:
    """Each field path a CSV record may hold, and the column it came from."""
    columns = {column: column for column in CSV_SCALAR_COLUMNS}
    columns |= {f"district.{key}": column for column, key in CSV_DISTRICT_COLUMNS.items()}
    columns |= {f"roles.0.{key}": column for column, key in CSV_ROLE_COLUMNS.items()}
    columns["roles"] = columns["roles.0"] = "role_en"
    for index, kind in enumerate(kinds):
        columns[f"addresses.{index}"] = columns[f"addresses.{index}.lines"] = f"{kind}_address"
        for part in CSV_ADDRESS_PARTS[1:]:
            columns[f"addresses.{index}.{part}"] = f"{kind}_{part}"
    return columns


def _record_from_csv(cells: CsvRow) -> CsvRecord:
    record = CsvRecord(
        {column: cells[column] or None for column in CSV_SCALAR_COLUMNS if column in cells}
    )
    if any(column in cells for column in CSV_DISTRICT_COLUMNS):
        record["district"] = {
            key: cells[column] or None
            for column, key in CSV_DISTRICT_COLUMNS.items()
            if column in cells
        }
    kinds_given = [
        k for k in CSV_ADDRESS_KINDS if any(f"{k}_{p}" in cells for p in CSV_ADDRESS_PARTS)
    ]
    kinds = [k for k in kinds_given if cells.get(f"{k}_address") or cells.get(f"{k}_city")]
    if kinds_given:
        record["addresses"] = [_address_from_csv(kind, cells) for kind in kinds]
    if any(column in cells for column in CSV_ROLE_COLUMNS):
        role = {key: cells.get(column) or None for column, key in CSV_ROLE_COLUMNS.items()}
        record["roles"] = [role] if role["title_en"] else []
    record.line, record.columns = cells.line, _csv_columns(kinds)
    return record


def _address_from_csv(kind: str, cells: dict[str, str]) -> dict[str, Any]:
    lines = [line.strip() for line in (cells.get(f"{kind}_address") or "").splitlines()]
    return {
        "kind": kind,
        "lines": [line for line in lines if line],
        **{part: cells.get(f"{kind}_{part}") or None for part in CSV_ADDRESS_PARTS[1:]},
    }


def json_records(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("objects"), list):
        records = [
            from_represent(obj) if isinstance(obj, dict) else obj for obj in document["objects"]
        ]
    elif isinstance(document, dict) and isinstance(document.get("recipients"), list):
        records = document["recipients"]
    elif isinstance(document, list):
        records = document
    else:
        raise InvalidInput(
            'Send a list of recipients, {"recipients": [...]}, or Represent\'s {"objects": [...]}.'
        )
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InvalidInput(errors=[row_error(number, "", "must be an object")])
    return records


def _of_type(value: Any, kind: type) -> Any:
    """A value of a Represent document where it has the type it should, else None:
    sources in the wild hold surprises, and a surprise reads as an absent field."""
    return value if isinstance(value, kind) else None


def _represent_addresses(offices: list[Any]) -> list[dict[str, Any]]:
    addresses = []
    for office in offices:
        if not isinstance(office, dict) or office.get("type") not in CSV_ADDRESS_KINDS:
            continue
        address = parse_address_block(
            office["type"],
            _of_type(office.get("postal"), str) or "",
            phone=_of_type(office.get("tel"), str),
            fax=_of_type(office.get("fax"), str),
        )
        if address:
            addresses.append(address)
    return addresses


def _represent_district(representative: dict[str, Any], name: str | None) -> dict[str, Any]:
    """Represent names a district but not its province: the province of a federal
    district is known by the code in its boundary's URL, or by its name."""
    related = _of_type(representative.get("related"), dict) or {}
    code = federal_code_in(_of_type(related.get("boundary_url"), str))
    province = province_of_district(name, code)
    return {"name": name} | ({"province": province} if province else {})


def from_represent(representative: dict[str, Any]) -> dict[str, Any]:
    """A representative as Open North's Represent API publishes one, with only the fields
    it carries. Represent has no id for a person, so the external id is their `url`
    where given, else office, district and name together."""
    text = {key: _of_type(representative.get(key), str) for key in REPRESENT_TEXT_KEYS}
    record: dict[str, Any] = {
        field: text[key] for key, field in REPRESENT_FIELDS.items() if key in representative
    }
    record["external_id"] = text["url"] or (
        f"{text['elected_office']}/{text['district_name']}/{text['name']}"
    )
    if "district_name" in representative:
        record["district"] = _represent_district(representative, text["district_name"])
    if "offices" in representative:
        record["addresses"] = _represent_addresses(_of_type(representative["offices"], list) or [])
        phones = [a["phone"] for a in record["addresses"] if a.get("phone")]
        record["phone"] = phones[0] if phones else None
    extra = _of_type(representative.get("extra"), dict) or {}
    languages = _of_type(extra.get("preferred_languages"), list)
    if languages:
        record["language"] = {"English": "en", "French": "fr"}.get(_of_type(languages[0], str))
    if "gender" in representative:
        record["gender"] = {"F": "female", "M": "male"}.get(text["gender"] or "")
    return record


def _where(error: dict[str, Any]) -> str:
    line = f" (line {error['line']} of the file)" if "line" in error else ""
    return f"row {error['row']}{line}"


def validate_records(records: list[dict[str, Any]]) -> list[RecipientFields]:
    """Every record checked; the first failing rows (up to 100) reported together."""
    recipients: list[RecipientFields] = []
    errors: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(records, start=1):
        try:
            recipient = RecipientFields.model_validate(record)
        except ValidationError as error:
            errors += [in_file(number, record, e) for e in field_errors(error.errors())]
        else:
            if recipient.external_id is None:
                missing = row_error(number, "external_id", "is required to import")
                errors.append(in_file(number, record, missing))
            elif recipient.external_id in seen:
                repeats = f"repeats row {seen[recipient.external_id]}"
                errors.append(in_file(number, record, row_error(number, "external_id", repeats)))
            else:
                seen[recipient.external_id] = number
                recipients.append(recipient)
        if len(errors) >= 100:
            break
    if errors:
        raise InvalidInput(
            f"Nothing was imported: {_where(errors[0])} is not valid"
            f"{'; see errors for the others' if len(errors) > 1 else ''}.",
            errors=errors,
        )
    return recipients


@dataclass
class ImportPlan:
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    roles: dict[str, list[Role]] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    retired: list[tuple[str, str]] = field(default_factory=list)
    # What each changed recipient held before, by external id: a sync's diff reads it.
    before: dict[str, dict[str, Any]] = field(default_factory=dict)


def _existing(session: Session, organisation_id: str) -> dict[str, dict[str, Any]]:
    rows = session.execute(
        select(RECIPIENTS).where(
            RECIPIENTS.c.organisation_id == organisation_id, RECIPIENTS.c.external_id.is_not(None)
        )
    ).mappings()
    existing = {row["external_id"]: dict(row) | {"roles": []} for row in rows}
    by_id = {row["id"]: row for row in existing.values()}
    role_query = (
        select(RecipientRole)
        .where(RecipientRole.organisation_id == organisation_id)
        .order_by(RecipientRole.start_date, RecipientRole.id)
    )
    for role in session.scalars(role_query):
        if role.recipient_id in by_id:
            by_id[role.recipient_id]["roles"].append(_role_tuple(Role.model_validate(role)))
    for row in existing.values():
        row["roles"].sort(key=_role_order)
    return existing


RoleTuple = tuple[str, str | None, date | None, date | None]


def _role_tuple(role: Role) -> RoleTuple:
    return (role.title_en, role.title_fr, role.start_date, role.end_date)


def _role_order(role: RoleTuple) -> tuple[str, ...]:
    """Roles compare as a set: the same roles listed in another order are no change."""
    title_en, title_fr, start, end = role
    return (
        start.isoformat() if start else "",
        title_en,
        title_fr or "",
        end.isoformat() if end else "",
    )


def _without_locked(values: dict[str, Any], locked: list[str]) -> dict[str, Any]:
    columns = set()
    for name in locked:
        columns |= DISTRICT_COLUMNS if name == "district" else {name}
    return {column: value for column, value in values.items() if column not in columns}


DISTRICT_COLUMNS = {"district_code", "district_name", "district_key", "district_province"}


def _plan(
    organisation_id: str,
    recipients: list[RecipientFields],
    existing: dict[str, dict[str, Any]],
    complete: bool,
    source: str | None = None,
) -> ImportPlan:
    """With a `source` (a sync), every row is marked as that source's, fields locked by
    hand are left alone, and only that source's recipients are retired."""
    plan = ImportPlan()
    now = utcnow()
    # A new row's columns not given: none, but the delivery preference's default.
    blank_row = dict.fromkeys(column.name for column in RECIPIENTS.columns)
    blank_row["delivery_preference"] = "email"
    nameless: list[dict[str, Any]] = []
    for number, recipient in enumerate(recipients, start=1):
        values = column_values(recipient)
        external_id = recipient.external_id or ""
        current = existing.get(external_id)
        if source is not None:
            values["source"] = source
            locked = (current or {}).get("locked_fields") or []
            values = _without_locked(values, locked)
            if "roles" in locked:
                recipient = recipient.model_copy(update={"roles": None})
        merged = (current or {}) | values
        if not has_a_name(
            merged.get("first_name"), merged.get("last_name"), merged.get("display_name")
        ):
            nameless.append(row_error(number, "display_name", NAMELESS))
        if current is None:
            row = (
                blank_row
                | values
                | {
                    "id": new_id("rcp"),
                    "organisation_id": organisation_id,
                    "addresses": values.get("addresses") or [],
                    "search_key": search_key(values),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            plan.inserts.append(row)
            plan.created.append(external_id)
            if recipient.roles:
                plan.roles[str(row["id"])] = recipient.roles
            continue
        values["search_key"] = search_key(merged)
        changed = {k: v for k, v in values.items() if current.get(k) != v}
        roles_changed = (
            recipient.roles is not None
            and sorted((_role_tuple(role) for role in recipient.roles), key=_role_order)
            != current["roles"]
        )
        if changed or roles_changed or current["retired_at"] is not None:
            plan.before[external_id] = current
            plan.updates.append(
                {"id": current["id"], **changed, "retired_at": None, "updated_at": now}
            )
            plan.updated.append(external_id)
            if roles_changed and recipient.roles is not None:
                plan.roles[current["id"]] = recipient.roles
        else:
            plan.unchanged += 1
    if nameless:
        raise InvalidInput(
            f"Nothing was imported: row {nameless[0]['row']} leaves a recipient without a name.",
            errors=nameless[:100],
        )
    if complete:
        given = {recipient.external_id for recipient in recipients}
        plan.retired = [
            (row["id"], external_id)
            for external_id, row in existing.items()
            if external_id not in given
            and row["retired_at"] is None
            and (source is None or row["source"] == source)
        ]
        plan.before |= {external_id: existing[external_id] for _, external_id in plan.retired}
    return plan


def _batches(rows: list[Any], size: int = 1000) -> Iterable[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _write(session: Session, organisation_id: str, plan: ImportPlan, progress: Progress) -> None:
    total = len(plan.inserts) + len(plan.updates) + len(plan.retired)
    done = 0
    for batch in _batches(plan.inserts):
        session.execute(insert(RECIPIENTS), batch)
        done += len(batch)
        progress(done, total)
    for batch in _batches(plan.updates):
        # One UPDATE per distinct set of changed columns, so each runs as an executemany.
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in batch:
            by_columns.setdefault(tuple(sorted(row)), []).append(row)
        for rows in by_columns.values():
            session.execute(update(Recipient), rows)
        done += len(batch)
        progress(done, total)
    for batch in _batches(plan.retired):
        retired_ids = [row_id for row_id, _ in batch]
        session.execute(
            update(Recipient).where(Recipient.id.in_(retired_ids)).values(retired_at=utcnow())
        )
        done += len(batch)
        progress(done, total)
    _replace_roles(session, organisation_id, plan.roles)


def _replace_roles(session: Session, organisation_id: str, roles: dict[str, list[Role]]) -> None:
    for batch in _batches(list(roles)):
        session.execute(delete(RecipientRole).where(RecipientRole.recipient_id.in_(batch)))
    rows = [
        {"id": new_id("rol"), **row}
        for recipient_id, held in roles.items()
        for row in role_rows(organisation_id, recipient_id, held)
    ]
    for batch in _batches(rows):
        session.execute(insert(RECIPIENT_ROLES), batch)


def import_recipients(
    session: Session,
    organisation_id: str,
    recipients: list[RecipientFields],
    *,
    dry_run: bool,
    complete: bool,
    progress: Progress = lambda done, total: None,
) -> ImportResult:
    """Imports of one organisation run one at a time (each plans from what the one before
    it wrote); a dry run only reads. Recipients without an external id are never
    retired: they did not come from a source."""
    if complete and not recipients:
        raise InvalidInput(
            "A complete import with no rows would retire every recipient; nothing was done.",
            errors=[{"field": "complete", "in": "query", "message": "needs at least one row"}],
        )
    if not dry_run:
        lock_organisation(session, organisation_id)
    plan = _plan(organisation_id, recipients, _existing(session, organisation_id), complete)
    if not dry_run:
        apply_plan(session, organisation_id, plan, progress)
    return import_result(plan, recipients, dry_run=dry_run, complete=complete)


def plan_import(
    session: Session,
    organisation_id: str,
    recipients: list[RecipientFields],
    *,
    complete: bool,
    source: str | None,
) -> ImportPlan:
    """What an import (or a sync, with its `source`) would change, read under the
    organisation's lock when it is to be written: call lock_organisation first."""
    return _plan(organisation_id, recipients, _existing(session, organisation_id), complete, source)


def apply_plan(
    session: Session,
    organisation_id: str,
    plan: ImportPlan,
    progress: Progress = lambda done, total: None,
    *,
    before_commit: Callable[[], None] = lambda: None,
) -> None:
    """Writes the plan and whatever `before_commit` adds (a sync's record and its webhook
    event) in one transaction."""
    try:
        _write(session, organisation_id, plan, progress)
        before_commit()
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConcurrentChange(
            "The directory changed while this import ran (another import?); nothing was "
            "imported. Send it again."
        ) from None


def import_result(
    plan: ImportPlan, recipients: list[RecipientFields], *, dry_run: bool, complete: bool
) -> ImportResult:
    return ImportResult(
        dry_run=dry_run,
        complete=complete,
        rows=len(recipients),
        counts=ImportCounts(
            created=len(plan.created),
            updated=len(plan.updated),
            unchanged=plan.unchanged,
            retired=len(plan.retired),
        ),
        created=plan.created[:SAMPLE_SIZE],
        updated=plan.updated[:SAMPLE_SIZE],
        retired=[external_id for _, external_id in plan.retired[:SAMPLE_SIZE]],
    )
