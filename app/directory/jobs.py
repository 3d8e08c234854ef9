"""The directory's periodic work: keeping the configured sources current.

`run_directory_sync` is a plain function of a session and the settings, so that the
worker's registry of periodic jobs (being built on another branch) can take it as is;
until then the worker's housekeeping calls `sync_when_due`."""

import logging
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.directory import sync
from app.directory.models import DirectorySync
from app.directory.schemas import SyncReport
from app.errors import DomainError
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings

log = logging.getLogger(__name__)
REQUESTED_BY = "scheduled sync"


def run_directory_sync(session: Session, settings: Settings) -> list[SyncReport]:
    """Sync each configured source of the configured organisation once. A source that
    fails or that the retirement guard stops is logged and left for someone to look at;
    the others go on."""
    reports: list[SyncReport] = []
    if not settings.sync_organisation_id:
        return reports
    for source in sync.configured_sources(settings):
        try:
            report = sync.sync_from_source(
                session,
                settings,
                settings.sync_organisation_id,
                source,
                requested_by=REQUESTED_BY,
            )
        except DomainError as error:
            session.rollback()
            log.warning("directory sync of %s failed: %s", source, error.detail or error)
            continue
        if report.stopped:
            log.warning("directory sync of %s stopped: %s", source, report.stopped)
        else:
            log.info("%s", sync.report_summary(report))
        reports.append(report)
    return reports


def sync_is_due(session: Session, settings: Settings) -> bool:
    """Due when the organisation's last scheduled sync is older than the interval: the
    record in the database, not a timer, so many workers sync once between them."""
    if not settings.sync_organisation_id or not sync.configured_sources(settings):
        return False
    last = session.scalar(
        select(func.max(DirectorySync.synced_at)).where(
            DirectorySync.organisation_id == settings.sync_organisation_id,
            DirectorySync.requested_by == REQUESTED_BY,
        )
    )
    return last is None or utcnow() - last >= timedelta(hours=settings.sync_interval_hours)


def sync_when_due(session: Session, settings: Settings) -> list[SyncReport]:
    return run_directory_sync(session, settings) if sync_is_due(session, settings) else []


def directory_sync(session: Session, settings: Settings) -> Pass:
    """Whether a sync is due is read from the database (its last record), so that any
    number of workers share one schedule; the worker only looks every ten minutes."""
    return Pass(len(sync_when_due(session, settings)))


JOBS = [PeriodicJob("directory-sync", 600.0, directory_sync)]
