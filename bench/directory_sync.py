"""A full House of Commons sync (343 members, every ministry role) against the recorded
feed served on loopback, against importing the same rows from a file: what reading the
XML feeds over HTTP, the diff and the sync's record cost on top of an import."""

import json
from collections.abc import Callable
from datetime import date

from app.auth import service as auth_service
from app.db import make_engine, make_sessionmaker
from app.directory import importer, sync
from app.directory.sources import house_of_commons
from app.settings import Settings
from bench.databases import fresh_database
from bench.harness import Measure, best_of, stopwatch
from tests.directory_feeds import MEMBERS_2025, ROLES_2025, feed_server, members, roles

RUNS = 3
Configure = Callable[[Settings], None]  # points a Settings at the recorded feed
MEMBERS = 343


def sqlite() -> Measure:
    return measure("sqlite")


def postgresql() -> Measure:
    return measure("postgresql")


def measure(kind: str) -> Measure:
    with feed_server() as feeds:
        feeds.serve_house(members(MEMBERS_2025), roles(ROLES_2025))
        ours = best_of(RUNS, lambda: time_sync(kind, feeds.configure))
        file_body = recorded_rows(feeds.configure)
    ceiling = best_of(RUNS, lambda: time_file_import(kind, file_body))
    info = f"directory_sync_{kind} seconds: sync {ours:.3f}; import of the same rows {ceiling:.3f}"
    return Measure(
        f"directory_sync_{kind}", ours=MEMBERS / ours, ceiling=MEMBERS / ceiling, info=[info]
    )


def _settings(url: str, configure: Configure) -> Settings:
    settings = Settings(database_url=url, secret_key="bench", _env_file=None)
    configure(settings)
    return settings


def time_sync(kind: str, configure: Configure) -> float:
    with fresh_database(kind) as url:
        engine = make_engine(url)
        try:
            with make_sessionmaker(engine)() as session:
                organisation = auth_service.create_organisation(session, "bench")
                session.commit()
                settings = _settings(url, configure)
                with stopwatch() as watch:
                    report = sync.sync_from_source(
                        session, settings, organisation.id, house_of_commons.SOURCE,
                        requested_by="bench",
                    )  # fmt: skip
                if report.counts.created != MEMBERS:
                    raise RuntimeError(f"the sync created {report.counts.created}, not {MEMBERS}")
        finally:
            engine.dispose()
    return watch.seconds


def recorded_rows(configure: Configure) -> bytes:
    """The rows the sync reads, as a JSON file an organisation would import."""
    records, _, _ = sync.fetch_source(_settings("sqlite://", configure), house_of_commons.SOURCE)
    return json.dumps(records, default=date.isoformat).encode()


def time_file_import(kind: str, body: bytes) -> float:
    with fresh_database(kind) as url:
        engine = make_engine(url)
        try:
            with make_sessionmaker(engine)() as session:
                organisation = auth_service.create_organisation(session, "bench")
                session.commit()
                with stopwatch() as watch:
                    records = importer.recipient_records(body, "application/json", MEMBERS)
                    result = importer.import_recipients(
                        session,
                        organisation.id,
                        importer.validate_records(records),
                        dry_run=False,
                        complete=True,
                    )
                if result.counts.created != MEMBERS:
                    raise RuntimeError(f"the import created {result.counts.created}")
        finally:
            engine.dispose()
    return watch.seconds
