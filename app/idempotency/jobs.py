"""The idempotency feature's periodic jobs."""

from sqlalchemy.orm import Session

from app.idempotency.service import purge_expired
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings

# Expired keys deleted per pass.
PURGE_BATCH = 500


def purge(session: Session, settings: Settings) -> Pass:
    purged = purge_expired(session, PURGE_BATCH)
    return Pass(purged, purged == PURGE_BATCH)


JOBS = [PeriodicJob("idempotency-purge", 60.0, purge)]
