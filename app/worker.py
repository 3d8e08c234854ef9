"""`letterdesk worker`: the loop. Each poll runs the periodic jobs that are due (each
feature declares its own in its `jobs.py`), then lets every lane claim and start what is
due (the email lane: letters and confirmations; the webhook lane: events; the print
lane: batches to build) on their own senders, each taking its next row when free; with
nothing new, it waits for a sender to be free. Queue statements live in app.outbox,
retry in its policy, what a send means in each lane: this module knows none of them."""

import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app.constituents import jobs as constituents_jobs
from app.delivery import jobs as delivery_jobs
from app.delivery.email import EmailBackend
from app.delivery.print_lane import PrintLane
from app.delivery.sending import EmailLane
from app.directory import jobs as directory_jobs
from app.idempotency import jobs as idempotency_jobs
from app.impact import jobs as impact_jobs
from app.letters import jobs as letters_jobs
from app.outbox import workers
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
    *directory_jobs.JOBS,
    *impact_jobs.JOBS,
    *delivery_jobs.JOBS,
]


class Lane(Protocol):
    """Sends on its own senders; the loop only starts what is due."""

    @property
    def in_flight(self) -> set[Future[Any]]: ...

    def renew_leases(self, session: Session) -> None:
        """The heartbeat: keep the leases of what is in hand alive."""

    def free_leases_of(self, session: Session, workers: list[str]) -> None:
        """Dead workers' rows are due again at once."""

    def dispatch(self) -> int:
        """Claim and start what is due, as many as there are free senders; answers how
        many it started."""

    def close(self) -> None:
        """Let the sends in flight finish; give back what was claimed but not started."""


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
        self.name = name or workers.name_for_this_process()
        # Monotonic; never, so the first poll says the worker is alive (the monotonic
        # clock starts near 0 when the machine boots, not far in the past).
        self.leases_renewed_at = -math.inf
        self.polled_at = time.monotonic()  # the loop's last poll, for /livez
        self.relay_said: tuple[datetime | None, str | None] = (None, None)
        self.stopping = threading.Event()
        self.idle = False  # the last poll found nothing to do
        # Lanes (by their place in `lanes`) that found nothing: not asked again before
        # then while another is busy (monotonic).
        self.quiet_until: dict[int, float] = {}
        self.schedule = Schedule(jobs)
        self.email = EmailLane(sessions, backend, settings, self.name, self.stopping)
        self.webhooks = WebhookSender(sessions, settings, self.name, self.stopping)
        self.printing = PrintLane(sessions, settings, self.name, self.stopping)
        self.lanes: list[Lane] = [self.email, self.webhooks, self.printing]

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
            self.free_dead_workers_leases()
        except SQLAlchemyError:
            log.exception("could not look for dead workers' leases")
        try:
            while not self.stopping.is_set():
                self.polled_at = time.monotonic()
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
            if self.stopping.is_set():  # stopped, not merely done (`until`)
                self._unregister()

    def _unregister(self) -> None:
        try:
            with self.sessions() as session:
                workers.unregister(session, self.name)
        except SQLAlchemyError:
            log.warning("could not unregister worker %s; its heartbeat will age", self.name)

    def heartbeat(self, session: Session) -> None:
        """Three times a lease (and at once when the relay's state changes): a lease
        can be short (a dead worker's letters wait little) and still never run out
        under a worker that is alive."""
        now = time.monotonic()
        relay = (self.email.relay.down_since, self.email.relay.error)
        due = now - self.leases_renewed_at >= self.settings.worker_lease_seconds / 3
        if not due and relay == self.relay_said:
            return
        workers.heartbeat(session, self.name, *relay)
        for lane in self.lanes:
            lane.renew_leases(session)
        session.commit()
        self.leases_renewed_at, self.relay_said = now, relay

    def free_dead_workers_leases(self) -> None:
        with self.sessions() as session:
            dead = workers.dead(session, self.name, self.settings.worker_lease_seconds)
            if not dead:
                return
            for lane in self.lanes:
                lane.free_leases_of(session, dead)
            workers.forget(session, dead)
            session.commit()
        log.warning("freed the leases of workers gone: %s", ", ".join(dead))

    def dispatch_lanes(self) -> tuple[int, int]:
        """Let each lane start what is due; answers how many rows were started, and how
        many lanes were not asked. While any lane has sends in flight (the loop then
        wakes as each ends), a lane that found nothing last time is asked again once a
        poll, not at every wake: its query would find nothing most times. A poll that
        left a lane out is never idle, so a worker is idle only after a poll that asked
        every lane and found nothing (a lane's records may have made work for another:
        a letter sent, an event to tell)."""
        now = time.monotonic()
        busy = any(lane.in_flight for lane in self.lanes)
        started = skipped = 0
        for index, lane in enumerate(self.lanes):
            if busy and not lane.in_flight and now < self.quiet_until.get(index, 0.0):
                skipped += 1
                continue
            found = lane.dispatch()
            quiet = not found and not lane.in_flight
            self.quiet_until[index] = now + self.settings.worker_poll_seconds if quiet else 0.0
            started += found
        return started, skipped

    def run_once(self) -> int:
        """One poll; answers how much work it found."""
        with self.sessions() as session:
            self.heartbeat(session)
            done = self.schedule.run_due(session, self.settings)
        started, skipped = self.dispatch_lanes()
        flying = set().union(*(lane.in_flight for lane in self.lanes))
        if flying and not started:
            # Nothing new: wait (up to a poll) for a sender to be free, rather than
            # poll again at once.
            wait(flying, self.settings.worker_poll_seconds, FIRST_COMPLETED)
        # Counted before the wait: one that ended may have left a retry due at once.
        return done + started + len(flying) + skipped
