"""The letters feature's periodic jobs."""

from sqlalchemy.orm import Session

from app.letters.lifecycle import expire_unconfirmed
from app.letters.repeats import purge_notice_windows
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings


def expiry(session: Session, settings: Settings) -> Pass:
    return Pass(expire_unconfirmed(session, settings))


def notice_windows(session: Session, settings: Settings) -> Pass:
    """Forget the per-mailbox windows of repeat notices that have closed."""
    return Pass(purge_notice_windows(session, settings))


JOBS = [
    # Every few seconds: the query is one indexed update, and a day's expiry is not urgent.
    PeriodicJob("letter-expiry", 5.0, expiry),
    PeriodicJob("repeat-notice-windows", 60.0, notice_windows),
]
