"""The letters feature's periodic jobs."""

from sqlalchemy.orm import Session

from app.letters.lifecycle import expire_unconfirmed
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings


def expiry(session: Session, settings: Settings) -> Pass:
    return Pass(expire_unconfirmed(session, settings))


# At every poll, as before: the query is one indexed update.
JOBS = [PeriodicJob("letter-expiry", 0.0, expiry)]
