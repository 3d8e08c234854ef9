"""Taking action through the HTTP API (uvicorn, two workers, PostgreSQL, a campaign with
two targets: a minister by role and the supporter's own MP), against a bare FastAPI
endpoint that parses the same body and inserts one row, under the same load."""

import json
import tempfile
from pathlib import Path

from app.db import make_engine, make_sessionmaker
from app.demo.service import load_demo
from app.settings import Settings
from bench import bare_app
from bench.databases import fresh_database
from bench.harness import Measure
from bench.load import LoadResult, run_load
from bench.server import running_server

WORKERS = 2
CONNECTIONS = 16
SECONDS = 10.0
WARMUP_SECONDS = 2.0
SLUG = "rescind-safe-third-country"  # the Minister of Immigration and the supporter's MP


def action_body(number: int) -> bytes:
    return json.dumps(
        {
            "supporter": {
                "first_name": "Amélie",
                "last_name": "Tremblay",
                "email": f"supporter{number}@example.org",
                "street_address": "5515 130 Ave NW",
                "city": "Edmonton",
                "province": "AB",
                "postal_code": "T5A 1B7",
            },
            "language": "fr" if number % 2 else "en",
            "intro": f"I am supporter {number} and I write to you from Edmonton.",
            "consent_to_contact": False,
        }
    ).encode()


def postgresql() -> Measure:
    ours = _ours()
    ceiling = _ceiling()
    for result in (ours, ceiling):
        if result.failures:
            raise RuntimeError(f"requests failed: {result.failures}")
    return Measure(
        "actions_postgresql",
        ours.per_second,
        ceiling.per_second,
        info=[
            f"actions_postgresql latency: ours p50={ours.percentile(0.5) * 1000:.1f}ms "
            f"p99={ours.percentile(0.99) * 1000:.1f}ms; ceiling "
            f"p50={ceiling.percentile(0.5) * 1000:.1f}ms "
            f"p99={ceiling.percentile(0.99) * 1000:.1f}ms "
            f"({WORKERS} workers, {CONNECTIONS} connections, {SECONDS:.0f} s)"
        ],
    )


def idempotency_postgresql() -> Measure:
    """What an Idempotency-Key costs: actions each sent with a new key, against the same
    actions without one (the ceiling), on the same service."""
    keyed = _ours(idempotency_keys=True)
    plain = _ours()
    for result in (keyed, plain):
        if result.failures:
            raise RuntimeError(f"requests failed: {result.failures}")
    return Measure(
        "actions_idempotency_postgresql",
        keyed.per_second,
        plain.per_second,
        info=[
            f"actions_idempotency_postgresql latency: with keys p50="
            f"{keyed.percentile(0.5) * 1000:.1f}ms p99={keyed.percentile(0.99) * 1000:.1f}ms; "
            f"without p50={plain.percentile(0.5) * 1000:.1f}ms "
            f"p99={plain.percentile(0.99) * 1000:.1f}ms"
        ],
    )


def _idempotency_key(number: int) -> dict[str, str]:
    return {"Idempotency-Key": f"bench-{number}"}


def _load(base_url: str, idempotency_keys: bool = False) -> LoadResult:
    return run_load(
        f"{base_url}/v1/campaigns/{SLUG}/actions",
        action_body,
        connections=CONNECTIONS,
        seconds=SECONDS,
        warmup_seconds=WARMUP_SECONDS,
        headers_for=_idempotency_key if idempotency_keys else None,
    )


def _ours(idempotency_keys: bool = False) -> LoadResult:
    with fresh_database("postgresql") as url, tempfile.TemporaryDirectory() as directory:
        engine = make_engine(url)
        settings = Settings(database_url=url, demo_key_file=Path(directory) / "key")
        with make_sessionmaker(engine)() as session:
            load_demo(session, settings)
        engine.dispose()
        with running_server(url, workers=WORKERS) as base_url:
            return _load(base_url, idempotency_keys)


def _ceiling() -> LoadResult:
    with fresh_database("postgresql") as url:
        engine = make_engine(url)
        bare_app.metadata.create_all(engine)
        engine.dispose()
        with running_server(url, app="bench.bare_app:app", workers=WORKERS) as base_url:
            return _load(base_url)
