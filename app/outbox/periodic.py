"""Periodic jobs: housekeeping each feature declares in its own `jobs.py` (retention,
purges, syncs) and the worker runs between claims. A job does one bounded batch per
pass and says whether there is more; a full batch is followed by another at the next
poll rather than after its period, so a flood is cleared as fast as it came."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.settings import Settings


@dataclass(frozen=True)
class Pass:
    """What one pass did: rows changed (work done: the worker is not idle), and whether
    a batch came back full."""

    done: int
    more: bool = False


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: float
    run: Callable[[Session, Settings], Pass]


class Schedule:
    """When each job is next due (monotonic time), for one worker."""

    def __init__(self, jobs: Sequence[PeriodicJob]) -> None:
        self.jobs = list(jobs)
        self.due_at = {job.name: 0.0 for job in self.jobs}

    def run_due(self, session: Session, settings: Settings) -> int:
        done = 0
        for job in self.jobs:
            now = time.monotonic()
            if now < self.due_at[job.name]:
                continue
            result = job.run(session, settings)
            self.due_at[job.name] = now if result.more else now + job.every_seconds
            done += result.done
        return done
