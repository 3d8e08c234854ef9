"""`letterdesk worker`: the loop. Each poll runs the periodic jobs that are due (each
feature declares its own in its `jobs.py`), then lets every lane claim and start what is
due (the email lane: letters and confirmations; the webhook lane: events), then waits
for the lanes that wait. Queue statements live in app.outbox, retry in its policy, what
a send means in each lane: this module knows none of them."""

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.constituents import jobs as constituents_jobs
from app.delivery.email import EmailBackend
from app.delivery.sending import EmailLane
from app.idempotency import jobs as idempotency_jobs
from app.letters import jobs as letters_jobs
from app.outbox.periodic import PeriodicJob, Schedule
from app.settings import Settings
from app.webhooks import jobs as webhooks_jobs
from app.webhooks.sending import WebhookSender

log = logging.getLogger("letterdesk.worker")

# Every feature's periodic jobs, in the order they run at a poll.
PERIODIC_JOBS: list[PeriodicJob] = [
    *letters_jobs.JOBS,
    *idempotency_jobs.JOBS,
    *webhooks_jobs.JOBS,
    *constituents_jobs.JOBS,
]


class Lane(Protocol):
    def dispatch(self, others_busy: bool) -> int:
        """Claim and start what is due; answers how much is in hand (0: idle)."""

    def wait(self) -> None: ...

    def close(self) -> None: ...


def worker_name() -> str:
    """Unique among workers: in containers the host name and pid may repeat."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Worker:
    """The lanes and the periodic jobs of one worker process; `stop()` (SIGTERM) lets the
    sends in flight finish and be recorded, and gives back what was claimed but not
    started."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        backend: EmailBackend,
        settings: Settings,
        name: str | None = None,
        jobs: list[PeriodicJob] = PERIODIC_JOBS,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.name = name or worker_name()
        self.stopping = threading.Event()
        self.idle = False  # the last poll found nothing to do
        self.schedule = Schedule(jobs)
        self.email = EmailLane(sessions, backend, settings, self.name, self.stopping)
        self.webhooks = WebhookSender(sessions, settings, self.name, self.stopping)
        self.lanes: list[Lane] = [self.email, self.webhooks]

    @property
    def sent(self) -> int:
        return self.email.sent

    def stop(self) -> None:
        self.stopping.set()

    def run(self, until: Callable[[], bool] = lambda: False) -> None:
        """Poll until stopped. A database that fails (a restart, a deadlock) is waited
        out and tried again: the worker outlives it."""
        pause = self.settings.worker_poll_seconds
        try:
            while not self.stopping.is_set():
                try:
                    self.idle = not self.run_once()
                except SQLAlchemyError:
                    log.exception("the database failed; trying again in %.0f s", pause * 10)
                    self.stopping.wait(pause * 10)
                    continue
                if until():
                    break
                if self.idle:
                    self.stopping.wait(pause)
        finally:
            for lane in self.lanes:
                lane.close()

    def run_once(self) -> int:
        """One poll; answers how much work it found."""
        with self.sessions() as session:
            done = self.schedule.run_due(session, self.settings)
        busy = 0
        for lane in self.lanes:
            busy += lane.dispatch(others_busy=busy > 0)
        for lane in self.lanes:
            lane.wait()
        return done + busy
