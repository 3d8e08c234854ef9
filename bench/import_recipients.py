"""Importing 10,000 recipients through the HTTP API, against a raw SQLAlchemy bulk insert
of the same rows into the same table: what validation, planning and HTTP cost on top of
the database's own work."""

import json
from typing import Any

import httpx
from sqlalchemy import insert

from app.auth import service as auth_service
from app.auth.scopes import Scope
from app.db import make_engine, make_sessionmaker, utcnow
from app.directory import importer
from app.directory.models import RECIPIENTS
from app.fields import fold
from app.ids import new_id
from bench.databases import fresh_database
from bench.harness import Measure, stopwatch
from bench.server import running_server

ROWS = 10_000
RUNS = 3
TARGET = 0.5
REQUEST_SECONDS = 300.0

FIRST_NAMES = [
    "Mélanie", "François", "Hélène", "Jérôme", "Chloé", "André", "Noémie", "Zoë",
    "Sarah", "James", "Priya", "Wei", "Olivia", "Mohammed", "Anaïs", "Raphaël",
]  # fmt: skip
LAST_NAMES = [
    "Joly", "Côté", "Gagnon", "Tremblay", "Bélanger", "Lévesque", "Smith", "Nguyen",
    "MacDonald", "Singh", "Bouchard", "Pelletier", "Wilson", "Fortin", "Ménard", "Roy",
]  # fmt: skip
PARTIES = ["Liberal", "Conservative", "NDP", "Bloc Québécois", "Green"]
PLACES = [
    ("Mégantic—L'Érable", "QC"), ("Trois-Rivières", "QC"), ("Ahuntsic-Cartierville", "QC"),
    ("Ottawa Centre", "ON"), ("Sault Ste. Marie", "ON"), ("Toronto—St. Paul's", "ON"),
    ("Vancouver Granville", "BC"), ("Edmonton Strathcona", "AB"), ("Halifax", "NS"),
    ("Acadie—Bathurst", "NB"), ("Winnipeg Centre", "MB"), ("Regina—Lewvan", "SK"),
]  # fmt: skip
LEGISLATURE = {
    "kind": "legislature",
    "lines": ["House of Commons"],
    "city": "Ottawa",
    "province": "ON",
    "postal_code": "K1A 0A6",
}


def sqlite() -> Measure:
    return measure("sqlite")


def postgresql() -> Measure:
    return measure("postgresql")


def measure(kind: str) -> Measure:
    records = synthetic_recipients(ROWS)
    body = json.dumps(records).encode()
    # Interleaved, so that a burst of load from elsewhere falls on both sides alike.
    runs = [(time_http_import(kind, body), time_bulk_insert(kind, records)) for _ in range(RUNS)]
    ours, ceiling = min(run[0] for run in runs), min(run[1] for run in runs)
    parse, validate, store = time_import_steps(kind, body)
    split = (
        f"import_{kind} seconds: http {ours:.2f} (in process: parse {parse:.2f}, "
        f"validate {validate:.2f}, plan+write+commit {store:.2f}); raw insert {ceiling:.2f}"
    )
    return Measure(
        f"import_{kind}", ours=ROWS / ours, ceiling=ROWS / ceiling, info=[split], target=TARGET
    )


def synthetic_recipients(count: int) -> list[dict[str, Any]]:
    """The same `count` recipients on every run, accents and all, as an organisation
    would send them."""
    return [_recipient(number) for number in range(1, count + 1)]


def _recipient(number: int) -> dict[str, Any]:
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    # Moves on once per round of first names, so that every first name meets every last.
    last = LAST_NAMES[number // len(FIRST_NAMES) % len(LAST_NAMES)]
    place, province = PLACES[number % len(PLACES)]
    honourable = number % 10 == 0
    return {
        "external_id": f"b-{number}",
        "honorific": "The Honourable" if honourable else None,
        "first_name": first,
        "last_name": last,
        "post_nominals": "P.C., M.P." if honourable else "M.P.",
        "party": PARTIES[number % len(PARTIES)],
        "elected_office": "MP",
        "district": {"name": f"{place} {number % 343 + 1}", "province": province},
        "email": f"{_mailbox(first)}.{_mailbox(last)}{number}@parl.gc.ca",
        "phone": "613-992-0983",
        "addresses": [LEGISLATURE],
        "roles": [],
    }


def _mailbox(name: str) -> str:
    return "".join(char for char in fold(name) if char.isalnum())


def time_http_import(kind: str, body: bytes) -> float:
    with fresh_database(kind) as url:
        _, key = _organisation_with_key(url)
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        with running_server(url) as base_url, httpx.Client(base_url=base_url) as client:
            # A live server has answered requests before: what its first request sets up
            # once (the body limit's table of routes, for one) is not the import's cost.
            warm_up = client.post(
                "/v1/recipients/import", params={"dry_run": "true"}, content=b"[]", headers=headers
            )
            warm_up.raise_for_status()
            with stopwatch() as watch:
                response = client.post(
                    "/v1/recipients/import", content=body, headers=headers, timeout=REQUEST_SECONDS
                )
            _check_all_created(response)
    return watch.seconds


def _check_all_created(response: httpx.Response) -> None:
    created = response.json().get("counts", {}).get("created") if response.is_success else None
    if created != ROWS:
        raise RuntimeError(
            f"the import answered {response.status_code} with {created} created, "
            f"not {ROWS}: {response.text[:2000]}"
        )


def time_bulk_insert(kind: str, records: list[dict[str, Any]]) -> float:
    with fresh_database(kind) as url:
        organisation_id, _ = _organisation_with_key(url)
        rows = stored_rows(organisation_id, records)
        engine = make_engine(url)
        try:
            with make_sessionmaker(engine)() as session, stopwatch() as watch:
                session.execute(insert(RECIPIENTS), rows)
                session.commit()
        finally:
            engine.dispose()
    return watch.seconds


def stored_rows(organisation_id: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows the import stores for `records`, column for column, built ahead of time."""
    now = utcnow()
    # What the import stores for a column no record gives: null, but the office's
    # delivery preference, whose default is `email`.
    empty = {column.name: None for column in RECIPIENTS.columns} | {"delivery_preference": "email"}
    return [
        empty
        | _stored_values(record)
        | {"id": new_id("rcp"), "organisation_id": organisation_id}
        | {"created_at": now, "updated_at": now}
        for record in records
    ]


def _stored_values(record: dict[str, Any]) -> dict[str, Any]:
    district = record["district"]
    names = " ".join(part for part in (record["first_name"], record["last_name"]) if part)
    return {
        "external_id": record["external_id"],
        "honorific": record["honorific"],
        "first_name": record["first_name"],
        "last_name": record["last_name"],
        "post_nominals": record["post_nominals"],
        "party": record["party"],
        "elected_office": record["elected_office"],
        "district_name": district["name"],
        "district_province": district["province"],
        "district_key": fold(district["name"]),
        "search_key": fold(names),
        "email": record["email"],
        "phone": record["phone"],
        "addresses": record["addresses"],
    }


def time_import_steps(kind: str, body: bytes) -> tuple[float, float, float]:
    """Seconds to parse, validate and store one import, called in this process: where the
    time of the HTTP import goes, HTTP aside."""
    with fresh_database(kind) as url:
        organisation_id, _ = _organisation_with_key(url)
        engine = make_engine(url)
        try:
            with make_sessionmaker(engine)() as session, importer.collector_paused():
                with stopwatch() as parse:
                    records = importer.recipient_records(body, "application/json", ROWS)
                with stopwatch() as validate:
                    recipients = importer.validate_records(records)
                with stopwatch() as store:
                    importer.import_recipients(
                        session, organisation_id, recipients, dry_run=False, complete=False
                    )
        finally:
            engine.dispose()
    return parse.seconds, validate.seconds, store.seconds


def _organisation_with_key(url: str) -> tuple[str, str]:
    """A new organisation and an admin key for it, written straight to the database."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            organisation = auth_service.create_organisation(session, "Bench")
            _, key = auth_service.issue_key(session, organisation.id, "bench", [Scope.ADMIN])
            session.commit()
            return organisation.id, key
    finally:
        engine.dispose()
