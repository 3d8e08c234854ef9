"""The delivery feature's periodic jobs."""

from sqlalchemy.orm import Session

from app.delivery.digests import gather_digests
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings


def daily_digests(session: Session, settings: Settings) -> Pass:
    """Gather each office's due letters into its daily digest, once its hour has come."""
    return gather_digests(session, settings)


JOBS = [
    # Every minute: a digest goes within a minute of its office's hour.
    PeriodicJob("daily-digests", 60.0, daily_digests),
]
