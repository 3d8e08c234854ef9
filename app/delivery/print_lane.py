"""The worker's print lane: print batches are gathered by the request that makes them
and built here, through the outbox as letters and webhooks are (claimed with a lease,
the lease kept alive by the worker's heartbeat, a dead worker's batch built by
another). A batch is built on a thread of its own, since typst takes a core and a big
batch a minute: the other lanes keep sending meanwhile."""

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from app.delivery import printing
from app.delivery.printing import PRINT_BATCHES
from app.settings import Settings

log = logging.getLogger("letterdesk.printing")

BUILDERS = 1  # one batch at a time: a second would only share the same core


class PrintLane:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        worker: str,
        stopping: threading.Event,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.worker = worker
        self.stopping = stopping
        self.in_flight: set[Future[None]] = set()
        self.holding: set[str] = set()  # leased to this worker, not yet built
        self.lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:  # made at the first build, after a close() too
            self._pool = ThreadPoolExecutor(BUILDERS, thread_name_prefix="print")
        return self._pool

    def dispatch(self) -> int:
        self.in_flight = {future for future in self.in_flight if not future.done()}
        with self.sessions() as session:
            claimed = printing.claim_due_print_batches(
                session,
                self.worker,
                BUILDERS - len(self.in_flight),
                self.settings.worker_lease_seconds,
            )
        with self.lock:
            self.holding.update(claimed)
        for batch_id in claimed:
            self.in_flight.add(self.pool.submit(self._build, batch_id))
        return len(claimed)

    def _build(self, batch_id: str) -> None:
        try:
            with self.sessions() as session:
                if self.stopping.is_set():
                    PRINT_BATCHES.release(session, [batch_id], self.worker)
                    session.commit()
                    return
                status = printing.build_print_batch(session, batch_id, self.worker, self.settings)
            log.info("print batch %s: %s", batch_id, status or "lease lost")
        except Exception:  # the database gone, or a bug: the lease runs out, it is built again
            log.exception("print batch %s failed unexpectedly", batch_id)
        finally:
            with self.lock:
                self.holding.discard(batch_id)

    def renew_leases(self, session: Session) -> None:
        with self.lock:
            held = list(self.holding)
        PRINT_BATCHES.heartbeat(session, held, self.worker, self.settings.worker_lease_seconds)

    def free_leases_of(self, session: Session, workers: list[str]) -> None:
        PRINT_BATCHES.free(session, workers)

    def close(self) -> None:
        """A batch being built is finished (its files are half-written otherwise)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._pool = None
        self.in_flight.clear()
