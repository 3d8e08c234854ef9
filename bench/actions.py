"""Taking action through the HTTP API (uvicorn, one worker process, PostgreSQL, the demo
campaign with two targets: a minister by role and the supporter's own MP), against a
bare FastAPI endpoint that parses the same body and inserts one row, served the same
way; wrk drives both sides (`bench/wrk.py`), every action a new supporter at one of a
few dozen postal codes across the country.

Besides the ratio: the latency at a fixed offered rate (the load a busy campaign page
puts on one process), and how each side scales with a second worker process."""

import json
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.db import make_engine, make_sessionmaker
from app.demo.service import fsa_entries, load_demo
from app.settings import Settings
from bench import bare_app
from bench.databases import fresh_database
from bench.harness import Measure
from bench.server import running_server
from bench.wrk import WrkResult, ensure_wrk, run_wrk

CONNECTIONS = 8
SECONDS = 10.0
WARMUP_SECONDS = 5.0
PACED_RATE = 50.0  # actions a second offered
PACED_CONNECTIONS = 16  # enough that a free connection is there for every slot
P99_TARGET_MS = 100.0
TARGET = 0.5
SLUG = "rescind-safe-third-country"  # the Minister of Immigration and the supporter's MP
PLACES = 40  # postal codes the supporters come from, spread over every province


def places() -> list[tuple[str, str]]:
    """(postal code, province) at every n-th forward sortation area of the demo's table:
    each action's own MP is looked up, in a district of its own."""
    entries = fsa_entries()
    step = max(1, len(entries) // PLACES)
    return [(f"{row['postal_code']} 1A1", row["province"]) for row in entries[::step]]


def body_script() -> str:
    """The Lua function that makes the `number`th action of a run: a new supporter (the
    run's `prefix` and `number` in their email), alternately French and English, from the
    next of `places()`."""
    table = ", ".join(
        f"{{{json.dumps(code)}, {json.dumps(province)}}}" for code, province in places()
    )
    return f"""
local places = {{{table}}}
function body_for(prefix, number)
  local place = places[number % #places + 1]
  local language = "en"
  if number % 2 == 1 then language = "fr" end
  return string.format(
    '{{"supporter": {{"first_name": "Amélie", "last_name": "Tremblay", ' ..
    '"email": "supporter-%s-%d@example.org", "street_address": "5515 130 Ave NW", ' ..
    '"city": "Edmonton", "province": "%s", "postal_code": "%s"}}, "language": "%s", ' ..
    '"intro": "I am supporter %d and I write to you from %s.", ' ..
    '"consent_to_contact": false}}',
    prefix, number, place[2], place[1], language, number, place[1])
end
"""


IDEMPOTENCY_SCRIPT = """
function headers_for(prefix, number)
  return {["Idempotency-Key"] = "bench-" .. prefix .. "-" .. number}
end
"""


def postgresql() -> Measure:
    ensure_wrk()
    with demo_database() as url:
        with running_server(url, workers=1) as base_url:
            ours = _closed(base_url)
            paced = _load(base_url, rate=PACED_RATE, connections=PACED_CONNECTIONS)
        with running_server(url, workers=2) as base_url:
            ours_two = _closed(base_url)
    with bare_database() as url:
        with running_server(url, app="bench.bare_app:app", workers=1) as base_url:
            ceiling = _closed(base_url)
        with running_server(url, app="bench.bare_app:app", workers=2) as base_url:
            ceiling_two = _closed(base_url)
    late = (
        "every request left at its slot"
        if not paced.late
        else f"{paced.late} requests left late, by up to {paced.late_most * 1000:.0f} ms"
    )
    return Measure(
        "actions_postgresql",
        ours.per_second,
        ceiling.per_second,
        target=TARGET,
        info=[
            f"actions_postgresql latency (1 worker, {CONNECTIONS} connections, "
            f"{SECONDS:.0f} s, wrk): ours {ours.latencies()}; ceiling {ceiling.latencies()}",
            f"actions_postgresql at {PACED_RATE:.0f} actions/s offered (1 worker, wrk paced "
            f"by its Lua delay(): {paced.per_second:.1f}/s taken, {late}): "
            f"p99={paced.p99 * 1000:.1f}ms (target < {P99_TARGET_MS:.0f} ms) "
            f"p50={paced.p50 * 1000:.1f}ms",
            f"actions_postgresql with --workers 2: ours {ours_two.per_second:.0f}/s "
            f"(x{_times(ours_two, ours)} of 1 worker), ceiling {ceiling_two.per_second:.0f}/s "
            f"(x{_times(ceiling_two, ceiling)}); ratio {_times(ours_two, ceiling_two)}",
        ],
    )


def _times(one: WrkResult, other: WrkResult) -> str:
    return f"{one.per_second / other.per_second:.2f}" if other.requests else "n/a"


def idempotency_postgresql() -> Measure:
    """What an Idempotency-Key costs: actions each sent with a new key, against the same
    actions without one (the ceiling), on the same service."""
    ensure_wrk()
    with demo_database() as url, running_server(url, workers=1) as base_url:
        plain = _closed(base_url)
        keyed = _closed(base_url, idempotency_keys=True)
    return Measure(
        "actions_idempotency_postgresql",
        keyed.per_second,
        plain.per_second,
        info=[
            f"actions_idempotency_postgresql latency: with keys {keyed.latencies()}; "
            f"without {plain.latencies()}"
        ],
    )


def _closed(base_url: str, idempotency_keys: bool = False) -> WrkResult:
    """As many actions as the server takes, after a warm-up (its imports, pools, caches)."""
    _load(base_url, seconds=WARMUP_SECONDS, idempotency_keys=idempotency_keys, warm_up=True)
    return _load(base_url, idempotency_keys=idempotency_keys)


def _load(
    base_url: str,
    *,
    seconds: float = SECONDS,
    connections: int = CONNECTIONS,
    rate: float | None = None,
    idempotency_keys: bool = False,
    warm_up: bool = False,
) -> WrkResult:
    return run_wrk(
        f"{base_url}/v1/campaigns/{SLUG}/actions",
        body_script() + (IDEMPOTENCY_SCRIPT if idempotency_keys else ""),
        prefix=uuid.uuid4().hex[:8],
        connections=connections,
        seconds=seconds,
        rate=rate,
        warm_up=warm_up,
    )


@contextmanager
def demo_database() -> Iterator[str]:
    with fresh_database("postgresql") as url, tempfile.TemporaryDirectory() as directory:
        engine = make_engine(url)
        settings = Settings(database_url=url, demo_key_file=Path(directory) / "key")
        with make_sessionmaker(engine)() as session:
            load_demo(session, settings)
        engine.dispose()
        yield url


@contextmanager
def bare_database() -> Iterator[str]:
    with fresh_database("postgresql") as url:
        engine = make_engine(url)
        bare_app.metadata.create_all(engine)
        engine.dispose()
        yield url
