"""The webhooks feature's periodic jobs."""

from sqlalchemy.orm import Session

from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings
from app.webhooks.service import purge_old_events

# Old events deleted per pass.
PURGE_BATCH = 500


def event_retention(session: Session, settings: Settings) -> Pass:
    purged = purge_old_events(session, settings.retention_days, PURGE_BATCH)
    return Pass(purged, purged == PURGE_BATCH)


JOBS = [PeriodicJob("webhook-event-retention", 60.0, event_retention)]
