"""Emailing queued letters: a worker (threads, in this process) takes 2,000 queued letters
from the database to a local SMTP sink, against a plain smtplib loop sending the same
messages to the same sink, with no database: one connection, or four in four threads
(the worker's own concurrency), whichever is faster.

The sink (aiosmtpd on loopback, accepting everything and counting) runs in a process of
its own, so that its event loop does not share this process's GIL with either side.

On PostgreSQL, the same letters also go through `PROCESSES` worker processes
(`letterdesk worker`, as deployed), started before the letters are queued so that their
start-up is not timed; and `MANY_LETTERS` letters are timed through them."""

import cProfile
import os
import pstats
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from app.auth.service import create_organisation
from app.campaigns.models import Campaign
from app.campaigns.schemas import CampaignCreate, RoleTarget
from app.campaigns.service import create_campaign
from app.db import make_engine, make_sessionmaker
from app.delivery import sending as worker_module
from app.delivery.email import Envelope, SMTPBackend, letter_message
from app.letters.models import Action, Letter
from app.outbox.models import WorkerRow
from app.settings import Settings
from app.worker import Worker
from bench.databases import fresh_database
from bench.harness import Measure, stopwatch
from bench.queued_letters import queue_letters

LETTERS = 2_000
RUNS = 3
CONNECTIONS = 4
BATCH_SIZE = 64
SECRET_KEY = "bench-secret-key"
TARGET = 0.8
SMTP_TIMEOUT_SECONDS = 20.0
STEP_LETTERS = 300  # in the run that times the worker's steps
PROFILE_LETTERS = 100  # in the run under cProfile, four times as slow
PROCESSES = 2  # worker processes, in the measure that runs several
MANY_LETTERS = 20_000  # the question: how long 20,000 queued letters take

Pairs = list[tuple[Letter, Action]]


def postgresql() -> Measure:
    return measure("postgresql")


def postgresql_processes() -> Measure:
    """The same letters sent by `PROCESSES` worker processes sharing the database, against
    the same ceiling; and the time `MANY_LETTERS` queued letters take through them."""
    name = f"emails_postgresql_{PROCESSES}_processes"
    with smtp_sink() as sink:
        ours: list[float] = []
        single: list[float] = []
        threaded: list[float] = []
        messages: list[tuple[EmailMessage, Envelope]] = []
        for _ in range(RUNS):
            seconds, pairs = time_worker_processes(sink, LETTERS, PROCESSES)
            ours.append(seconds)
            if not messages:
                messages = plain_messages(pairs)
            single.append(time_plain_loop(messages, sink, connections=1))
            threaded.append(time_plain_loop(messages, sink, connections=CONNECTIONS))
        many, _ = time_worker_processes(sink, MANY_LETTERS, PROCESSES)
    result = Measure(
        name,
        ours=LETTERS / min(ours),
        ceiling=LETTERS / min(min(single), min(threaded)),
        target=TARGET,
    )
    result.info.append(
        f"{name} seconds for {LETTERS} emails (best of {RUNS}): {PROCESSES} worker processes "
        f"({CONNECTIONS} connections each, batches of {BATCH_SIZE}) {min(ours):.2f}; plain "
        f"smtplib {min(min(single), min(threaded)):.2f}"
    )
    result.info.append(
        f"{name}: {MANY_LETTERS} queued letters sent in {many:.1f} s "
        f"({MANY_LETTERS / many:.0f}/s) by {PROCESSES} worker processes"
    )
    return result


def sqlite() -> Measure:
    return measure("sqlite")


def measure(kind: str) -> Measure:
    name = f"emails_{kind}"
    ours: list[float] = []
    single: list[float] = []
    threaded: list[float] = []
    with smtp_sink() as sink:
        # Interleaved, so that whatever else the machine does falls on both sides alike.
        messages: list[tuple[EmailMessage, Envelope]] = []
        for _ in range(RUNS):
            seconds, pairs = time_worker(kind, sink)
            ours.append(seconds)
            if not messages:  # from the first run's letters and actions, before any timing
                messages = plain_messages(pairs)
            single.append(time_plain_loop(messages, sink, connections=1))
            threaded.append(time_plain_loop(messages, sink, connections=CONNECTIONS))
        result = Measure(
            name,
            ours=LETTERS / min(ours),
            ceiling=LETTERS / min(min(single), min(threaded)),
            target=TARGET,
        )
        best = "1 connection" if min(single) <= min(threaded) else f"{CONNECTIONS} threads"
        result.info.append(
            f"{name} seconds for {LETTERS} emails (best of {RUNS}): worker {min(ours):.2f} "
            f"({CONNECTIONS} connections, batches of {BATCH_SIZE}); plain smtplib "
            f"1 connection {min(single):.2f}, {CONNECTIONS} threads {min(threaded):.2f} "
            f"(ceiling: {best}); sink aiosmtpd in its own process"
        )
        if result.ratio < TARGET:
            result.info.extend(profile_worker(kind, sink, name))
    return result


def plain_messages(pairs: Pairs) -> list[tuple[EmailMessage, Envelope]]:
    """The letters' messages, built as the worker builds them, for the plain loop."""
    settings = Settings(secret_key=SECRET_KEY, email_test_recipient=None)
    return [letter_message(letter, action, settings, "Bench") for letter, action in pairs]


# The sink ---------------------------------------------------------------------------

# Run by `python -c` in a process of its own: accepts every message and counts it; says
# "ready", then answers each line read with the count so far; stops at end of input.
SINK_SCRIPT = """
import sys
from aiosmtpd.controller import Controller

class Counting:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"

handler = Counting()
controller = Controller(handler, hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
try:
    print("ready", flush=True)
    for _ in sys.stdin:
        print(handler.count, flush=True)
finally:
    controller.stop()
"""


class Sink:
    def __init__(self, port: int, process: subprocess.Popen[str]) -> None:
        self.port = port
        self.process = process

    @property
    def received(self) -> int:
        """The messages accepted so far."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_sink() -> Iterator[Sink]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", SINK_SCRIPT, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the SMTP sink did not start")
        yield Sink(port, process)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


# Ours: the worker ------------------------------------------------------------------


def mail_settings(url: str, sink: Sink) -> Settings:
    return Settings(
        database_url=url,
        email_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=sink.port,
        smtp_security="none",
        smtp_username=None,
        smtp_connections=CONNECTIONS,
        smtp_timeout_seconds=SMTP_TIMEOUT_SECONDS,
        worker_batch_size=BATCH_SIZE,
        worker_poll_seconds=0.05,
        secret_key=SECRET_KEY,
        email_test_recipient=None,
    )


def time_worker(kind: str, sink: Sink) -> tuple[float, Pairs]:
    """Seconds for a worker to send `LETTERS` queued letters, from its start to nothing
    left due; and the letters with their actions (loaded before timing), so that the
    plain loop can build the very same messages."""
    run = run_worker(kind, sink, Worker, LETTERS)
    return run.seconds, run.pairs


@dataclass
class WorkerRun:
    seconds: float  # wall
    cpu_seconds: float  # this process's, over the same time
    pairs: Pairs
    worker: Worker


def run_worker(
    kind: str, sink: Sink, make: Callable[[Any, SMTPBackend, Settings], Worker], letters: int
) -> WorkerRun:
    with fresh_database(kind) as url:
        engine = make_engine(url)
        try:
            sessions = make_sessionmaker(engine)
            with sessions() as session:
                campaign_id = seed(session, letters)
                pairs = load_pairs(session, campaign_id)
            settings = mail_settings(url, sink)
            worker = make(sessions, SMTPBackend(settings), settings)
            before = sink.received
            cpu = time.process_time()
            with stopwatch() as watch:
                worker.run(until=lambda: worker.idle)
            cpu = time.process_time() - cpu
            received = sink.received - before
            with sessions() as session:
                statuses = dict(
                    session.execute(select(Letter.status, func.count()).group_by(Letter.status))
                    .tuples()
                    .all()
                )
        finally:
            engine.dispose()
    if received != letters or statuses != {"sent": letters} or worker.sent != letters:
        raise RuntimeError(
            f"the worker sent {worker.sent}, the sink received {received} of {letters}; "
            f"letters: {statuses}"
        )
    return WorkerRun(watch.seconds, cpu, pairs, worker)


def time_worker_processes(sink: Sink, letters: int, processes: int) -> tuple[float, Pairs]:
    """Seconds for `processes` worker processes on PostgreSQL, already running and polling,
    to send `letters` letters queued at once: from the queue's commit until the last is
    recorded sent."""
    with fresh_database("postgresql") as url:
        engine = make_engine(url)
        workers = [_worker_process(url, sink) for _ in range(processes)]
        try:
            sessions = make_sessionmaker(engine)
            _wait_until(lambda: _workers_alive(sessions) == processes, 60, "workers to start")
            before = sink.received
            with sessions() as session:
                campaign_id = seed(session, letters, queue=False)
                with stopwatch() as watch:
                    queue_letters(session, *_organisation_and(campaign_id, session), letters)
                    analyze(session)
                    _wait_until(
                        lambda: _sent(sessions) == letters, letters / 10 + 60, "letters to go"
                    )
                pairs = load_pairs(session, campaign_id) if letters <= LETTERS else []
            received = sink.received - before
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(30)
            engine.dispose()
    if received != letters:
        raise RuntimeError(f"the sink received {received} of {letters} letters")
    return watch.seconds, pairs


def _worker_process(url: str, sink: Sink) -> subprocess.Popen[bytes]:
    settings = mail_settings(url, sink)
    env = os.environ | {
        "LETTERDESK_DATABASE_URL": url,
        "LETTERDESK_EMAIL_BACKEND": "smtp",
        "LETTERDESK_SMTP_HOST": settings.smtp_host,
        "LETTERDESK_SMTP_PORT": str(settings.smtp_port),
        "LETTERDESK_SMTP_SECURITY": "none",
        "LETTERDESK_SMTP_CONNECTIONS": str(CONNECTIONS),
        "LETTERDESK_WORKER_BATCH_SIZE": str(BATCH_SIZE),
        "LETTERDESK_WORKER_POLL_SECONDS": str(settings.worker_poll_seconds),
        "LETTERDESK_SECRET_KEY": SECRET_KEY,
        "LETTERDESK_LOG_LEVEL": "warning",
    }
    command = [str(Path(sys.executable).parent / "letterdesk"), "worker"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def _wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"waited {seconds:.0f} s for {what}")
        time.sleep(0.02)


def _workers_alive(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(WorkerRow)) or 0)


def _sent(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).where(Letter.status == "sent")) or 0)


def _organisation_and(campaign_id: str, session: Session) -> tuple[str, str]:
    organisation_id = session.scalar(
        select(Campaign.organisation_id).where(Campaign.id == campaign_id)
    )
    return str(organisation_id), campaign_id


def seed(session: Session, letters: int, queue: bool = True) -> str:
    """An organisation, an email campaign, and `letters` queued letters; answers the
    campaign's id."""
    organisation = create_organisation(session, "Bench letters")
    campaign = create_campaign(
        session,
        organisation.id,
        CampaignCreate(
            slug="bench-emails",
            status="live",
            languages=["fr"],
            title={"fr": "Écrivez au ministre"},
            subject={"fr": "Les réfugiés au Mexique"},
            concern={"fr": "Les réfugiés au Mexique ont besoin de protection."},
            ask={"fr": "Je vous demande d'agir."},
            targets=[RoleTarget(type="role", role="Minister of Foreign Affairs")],
        ),
    )
    if queue:
        queue_letters(session, organisation.id, campaign.id, letters)
        analyze(session)
    return campaign.id


def analyze(session: Session) -> None:
    """What autovacuum does within a minute of a table changing much: the planner learns
    that the queue holds thousands of letters, not the handful it held (it would sort
    the whole queue at each claim rather than walk its index, until then)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE deliveries, letters"))
        session.commit()


def load_pairs(session: Session, campaign_id: str) -> Pairs:
    rows = session.execute(
        select(Letter, Action)
        .join(Action, Action.id == Letter.action_id)
        .where(Letter.campaign_id == campaign_id)
        .order_by(Letter.id)
    ).tuples()
    pairs = list(rows)
    session.expunge_all()  # kept loaded (expire_on_commit=False), apart from the session
    return pairs


# The ceiling: plain smtplib ---------------------------------------------------------


def time_plain_loop(
    messages: list[tuple[EmailMessage, Envelope]], sink: Sink, connections: int
) -> float:
    """Seconds to send the letters' messages (built before timing) with smtplib,
    `send_message` each, over `connections` connections in as many threads."""
    for message, _ in messages:
        # Flattening gives a multipart its boundary, and keeps it: taken out again, so
        # that every run flattens the messages as the worker does, from new.
        if message.get_boundary() is not None:
            message.replace_header("Content-Type", message.get_content_type())
    shares = [messages[start::connections] for start in range(connections)]
    errors: list[BaseException] = []
    before = sink.received

    def send(share: list[tuple[EmailMessage, Envelope]]) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", sink.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                for message, envelope in share:
                    smtp.send_message(message, envelope.sender, envelope.recipients)
        except BaseException as error:
            errors.append(error)

    with stopwatch() as watch:
        if connections == 1:
            send(shares[0])
        else:
            threads = [threading.Thread(target=send, args=(share,)) for share in shares]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    if errors:
        raise errors[0]
    received = sink.received - before
    if received != len(messages):
        raise RuntimeError(f"the sink received {received} of {len(messages)} messages")
    return watch.seconds


# Where the worker spends its time --------------------------------------------------


@dataclass
class Phases:
    """CPU seconds spent in each step (time.thread_time: the worker is held by the GIL, so
    CPU, not waiting, is what it spends), summed over the threads that ran it."""

    seconds: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, phase: str, seconds: float) -> None:
        with self.lock:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + seconds

    @contextmanager
    def timing(self, phase: str) -> Iterator[None]:
        start = time.thread_time()
        try:
            yield
        finally:
            self.add(phase, time.thread_time() - start)

    def timed(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.timing(phase):
                return function(*args, **kwargs)

        return wrapper


class ProfiledWorker(Worker):
    """A worker whose SMTP steps are timed (the connection check, and sendmail),
    and whose sending threads, when `profiling`, each keep a cProfile profile of CPU time.
    """

    def __init__(self, phases: Phases, profiling: bool, *args: Any) -> None:
        super().__init__(*args)
        self.phases = phases
        self.profiling = profiling
        self.profiles: list[cProfile.Profile] = []
        self._local = threading.local()
        self._profiles_lock = threading.Lock()
        backend = self.email.backend
        assert isinstance(backend, SMTPBackend)
        self._send = self.email._send
        self.email._send = self.send  # type: ignore[method-assign]
        connection = backend._connection
        sendmail = smtplib.SMTP.sendmail

        def check_connection() -> smtplib.SMTP:
            with self.phases.timing(SMTP_CHECK):
                smtp = connection()
            smtp.sendmail = self.phases.timed(  # type: ignore[method-assign]
                SMTP_SEND, lambda *a, **k: sendmail(smtp, *a, **k)
            )
            return smtp

        backend._connection = check_connection  # type: ignore[method-assign]
        # The SQL statements the worker runs, by kind (pool pre-pings are not seen here).
        self.statements: Counter[str] = Counter()
        self._running = False
        event.listen(self.sessions.kw["bind"], "before_cursor_execute", self._count)

    def _count(self, connection: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if self._running:
            self.statements[statement_kind(statement)] += 1

    def run(self, until: Callable[[], bool] = lambda: False) -> None:
        self._running = True
        try:
            super().run(until)
        finally:
            self._running = False

    def send(self, delivery_id: str, letter: Any) -> Any:
        """A sender thread's work on one letter (the lane's `_send`): timed, profiled."""
        if not self.profiling:
            with self.phases.timing(SEND):
                return self._send(delivery_id, letter)
        profile: cProfile.Profile | None = getattr(self._local, "profile", None)
        if profile is None:
            profile = self._local.profile = cProfile.Profile(time.thread_time)
            with self._profiles_lock:
                self.profiles.append(profile)
        with self.phases.timing(SEND):
            profile.enable()
            try:
                return self._send(delivery_id, letter)
            finally:
                profile.disable()


def statement_kind(statement: str) -> str:
    """ "SELECT letters (join)", "UPDATE campaigns", "SELECT deliveries FOR UPDATE"..."""
    words = statement.split()
    verb = words[0].upper()
    if verb == "SELECT" and "FROM" in words:
        table = words[words.index("FROM") + 1]
    elif verb in ("INSERT", "DELETE") and len(words) > 2:
        table = words[2]
    else:
        table = words[1] if len(words) > 1 else ""
    return " ".join(
        [verb, table]
        + (["(join)"] if " JOIN " in statement else [])
        + (["FOR UPDATE"] if "FOR UPDATE" in statement else [])
    )


SEND = "send (a sender thread)"
SEND_LETTER = "send_letter"
BUILD = "build the message (letter_message)"
SMTP_CHECK = "smtp: connection check (NOOP) or connect"
SMTP_SEND = "smtp: sendmail (MAIL/RCPT/DATA of the bytes checked when built)"
LOOP = "loop thread: "
STEPS = (
    ("claim_due_deliveries", f"{LOOP}claim"),
    ("letters_to_send", f"{LOOP}read the letters claimed"),
    ("record_outcomes", f"{LOOP}record the outcomes"),
    ("send_letter", SEND_LETTER),
    ("letter_message", BUILD),
)


def profile_worker(kind: str, sink: Sink, name: str) -> list[str]:
    """Two more worker runs: one with its steps timed, in CPU time; one under cProfile
    (which slows Python code far more than C, so its shares are rough), for the functions
    that cost most."""
    run, timed = _run_profiled(kind, sink, STEP_LETTERS, profiling=False)
    spent = dict(timed.phases.seconds)
    sender = spent.pop(SEND, 0.0)
    spent["sender thread: the rest (the supporter's copy, the relay's state)"] = sender - spent.get(
        SEND_LETTER, 0.0
    )
    # What send_letter does besides building and SMTP: the lease check, DKIM, the outcome.
    spent["sender thread: send_letter less build and smtp"] = spent.pop(SEND_LETTER, 0.0) - sum(
        spent.get(phase, 0.0) for phase in (BUILD, SMTP_CHECK, SMTP_SEND)
    )
    loop = run.cpu_seconds - sender - sum(v for p, v in spent.items() if p.startswith(LOOP))
    spent[f"{LOOP}the rest (other lanes, jobs, heartbeat, pool, GIL hand-offs)"] = loop
    per_letter = 1000 / STEP_LETTERS
    lines = [
        f"{name} steps ({STEP_LETTERS} letters): process CPU {run.cpu_seconds:.2f} s "
        f"in {run.seconds:.2f} s wall (CPU ~ wall: held by the GIL); "
        f"CPU ms per letter, by step:"
    ]
    for phase, value in sorted(spent.items(), key=lambda item: -item[1]):
        lines.append(f"  {phase}: {value * per_letter:.2f} ms")
    statements = timed.statements
    lines.append(
        f"{name} SQL statements per letter: {statements.total() / STEP_LETTERS:.2f}: "
        + ", ".join(
            f"{kind} {count / STEP_LETTERS:.2f}" for kind, count in statements.most_common(12)
        )
    )
    _, profiled = _run_profiled(kind, sink, PROFILE_LETTERS, profiling=True)
    lines.append(
        f"{name} cProfile ({PROFILE_LETTERS} letters), top functions by own CPU time "
        f"in the sender threads:"
    )
    lines.extend(f"  {line}" for line in top_functions(profiled.profiles, 12))
    return lines


def _run_profiled(
    kind: str, sink: Sink, letters: int, profiling: bool
) -> tuple[WorkerRun, ProfiledWorker]:
    phases = Phases()

    def make(sessions: Any, backend: SMTPBackend, settings: Settings) -> Worker:
        return ProfiledWorker(phases, profiling, sessions, backend, settings)

    patches = [
        mock.patch.object(worker_module, function, phases.timed(phase, original))
        for function, phase in STEPS
        if hasattr(worker_module, function)  # the worker may have moved on since
        for original in [getattr(worker_module, function)]
    ]
    for patch in patches:
        patch.start()
    try:
        run = run_worker(kind, sink, make, letters)
    finally:
        for patch in patches:
            patch.stop()
    assert isinstance(run.worker, ProfiledWorker)
    return run, run.worker


def top_functions(profiles: list[cProfile.Profile], count: int) -> list[str]:
    if not profiles:
        return []
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    table: dict[tuple[str, int, str], tuple[int, int, float, float, Any]]
    table = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in table.values()) or 1.0
    rows = sorted(table.items(), key=lambda item: -item[1][2])[:count]
    return [
        f"{own / total:5.1%} own {own:.2f}s cum {cumulative:.2f}s calls {calls}: "
        f"{function} ({_short(path)}:{line})"
        for (path, line, function), (_, calls, own, cumulative, _) in rows
    ]


def _short(path: str) -> str:
    for marker in ("site-packages/", "/lib/python3.11/", "/work/main/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path
