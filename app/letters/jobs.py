"""The letters feature's periodic jobs."""

from sqlalchemy.orm import Session

from app.letters.lifecycle import expire_unconfirmed
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings


def expiry(session: Session, settings: Settings) -> Pass:
    return Pass(expire_unconfirmed(session, settings))


# Every few seconds: the query is one indexed update, and a day's expiry is not urgent.
JOBS = [PeriodicJob("letter-expiry", 5.0, expiry)]
