"""The constituents feature's periodic jobs."""

from sqlalchemy.orm import Session

from app.constituents.service import apply_retention
from app.outbox.periodic import Pass, PeriodicJob
from app.settings import Settings


def retention(session: Session, settings: Settings) -> Pass:
    run = apply_retention(session, settings)
    return Pass(run.letters + run.actions + run.print_batches, run.more)


JOBS = [PeriodicJob("retention", 60.0, retention)]
