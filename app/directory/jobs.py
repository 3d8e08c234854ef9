"""The directory's periodic work: keeping every organisation's synced sources current.

An organisation that has synced from a feed before (by command, API or schedule: its
`directory_syncs` rows say which) is synced from it again once per
`sync_interval_hours`; so is the organisation `sync_organisation_id` names, from the
sources the settings configure, before its first sync too. Each (organisation, source)
is due on its own; one that fails or that the retirement guard stops is recorded
(`directory_sync_failures`) and logged, and the others go on."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import utcnow
from app.directory import sync
from app.directory.models import DirectorySync, DirectorySyncFailure
from app.directory.schemas import SyncReport
from app.errors import DomainError
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings

log = logging.getLogger(__name__)
REQUESTED_BY = "scheduled sync"


@dataclass(frozen=True, order=True)
class ScheduledSource:
    organisation_id: str
    source: str


def scheduled_sources(session: Session, settings: Settings) -> list[ScheduledSource]:
    """Every organisation's feeds it has synced from, and the configured organisation's
    configured sources."""
    synced = session.execute(
        select(DirectorySync.organisation_id, DirectorySync.source).distinct()
    ).all()
    scheduled = {ScheduledSource(org, source) for org, source in synced if sync.is_feed(source)}
    if settings.sync_organisation_id:
        scheduled |= {
            ScheduledSource(settings.sync_organisation_id, source)
            for source in sync.configured_sources(settings)
        }
    return sorted(scheduled)


def _last_attempt(session: Session, scheduled: ScheduledSource) -> datetime | None:
    """When this source was last synced for the organisation, or last failed to be."""
    synced = session.scalar(
        select(func.max(DirectorySync.synced_at)).where(
            DirectorySync.organisation_id == scheduled.organisation_id,
            DirectorySync.source == scheduled.source,
        )
    )
    failed = session.scalar(
        select(func.max(DirectorySyncFailure.failed_at)).where(
            DirectorySyncFailure.organisation_id == scheduled.organisation_id,
            DirectorySyncFailure.source == scheduled.source,
        )
    )
    attempts = [at for at in (synced, failed) if at is not None]
    return max(attempts) if attempts else None


def due_sources(session: Session, settings: Settings) -> list[ScheduledSource]:
    """Due when the last sync of it (whoever asked) or failure is older than the interval:
    the record in the database, not a timer, so many workers sync once between them."""
    interval = timedelta(hours=settings.sync_interval_hours)
    now = utcnow()
    due = []
    for scheduled in scheduled_sources(session, settings):
        last = _last_attempt(session, scheduled)
        if last is None or now - last >= interval:
            due.append(scheduled)
    return due


def _record_failure(session: Session, scheduled: ScheduledSource, error: str) -> None:
    session.add(
        DirectorySyncFailure(
            organisation_id=scheduled.organisation_id,
            source=scheduled.source,
            requested_by=REQUESTED_BY,
            error=error,
        )
    )
    try:
        session.commit()
    except Exception:  # an organisation that is gone (a stale setting): logged, go on
        session.rollback()
        log.exception("the failed sync of %s could not be recorded", scheduled.source)


def _reason_of(error: DomainError) -> str:
    """What the error says: its detail, or what it says of each field (a Represent set
    that no longer exists is a `source` field's error)."""
    messages = [str(item.get("message")) for item in error.errors or [] if item.get("message")]
    return error.detail or "; ".join(messages) or str(error)


def sync_scheduled_source(
    session: Session, settings: Settings, scheduled: ScheduledSource
) -> SyncReport | None:
    """Sync one organisation's source; a failure or a stop is recorded and logged, and
    answers None (a stopped sync its report) rather than raising."""
    where = f"{scheduled.source} for {scheduled.organisation_id}"
    try:
        report = sync.sync_from_source(
            session,
            settings,
            scheduled.organisation_id,
            scheduled.source,
            requested_by=REQUESTED_BY,
        )
    except DomainError as error:
        session.rollback()
        reason = _reason_of(error)
        log.warning("directory sync of %s failed: %s", where, reason)
        _record_failure(session, scheduled, reason)
        return None
    except Exception as error:  # one organisation's fault must not stop the others
        session.rollback()
        log.exception("directory sync of %s failed", where)
        _record_failure(session, scheduled, f"{type(error).__name__}: {error}")
        return None
    if report.stopped:
        log.warning("directory sync of %s stopped: %s", where, report.stopped)
        _record_failure(session, scheduled, report.stopped)
    else:
        log.info("%s for %s", sync.report_summary(report), scheduled.organisation_id)
    return report


def run_directory_sync(session: Session, settings: Settings) -> list[SyncReport]:
    """Sync each due source of each organisation once; the reports of those that ran
    (a stopped one included), in order of organisation and source."""
    reports = []
    for scheduled in due_sources(session, settings):
        report = sync_scheduled_source(session, settings, scheduled)
        if report is not None:
            reports.append(report)
    return reports


def directory_sync(session: Session, settings: Settings) -> Pass:
    """Whether a sync is due is read from the database (its last record), so that any
    number of workers share one schedule; the worker only looks every ten minutes."""
    return Pass(len(run_directory_sync(session, settings)))


JOBS = [PeriodicJob("directory-sync", 600.0, directory_sync)]
