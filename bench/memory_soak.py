"""Memory soak: does the API server's memory level off under a long run of actions, or
grow for ever (a leak)? One uvicorn process on PostgreSQL (the demo campaign, two letters
per action) takes actions in stages of STAGE; after each, the server's resident memory
(VmRSS) is read from /proc. Reported: RSS after each stage, and its growth per 1,000
actions over the first and the second half of the run. Growth that shrinks to about
nothing is memory levelling off (pools, caches filling up to their bound); growth that
keeps its pace is a leak.

    python -m bench memory_soak
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from app.db import make_engine, make_sessionmaker
from app.demo.service import load_demo
from app.settings import Settings
from bench.actions import SLUG
from bench.databases import fresh_database
from bench.server import HOST, ROOT, _free_port, _stop, _wait_until_healthy

STARTUP_SECONDS = 180.0
STAGES = 14
STAGE = 1_000
CONNECTIONS = 8
# Below this growth per 1,000 actions over the second half, memory has levelled off.
LEVELLED_MB_PER_1000 = 0.2


def action_body(number: int) -> bytes:
    """A new supporter each time (the per-email limit never refuses), French and English."""
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


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def take_actions(base_url: str, first: int, count: int) -> None:
    url = f"{base_url}/v1/campaigns/{SLUG}/actions"
    headers = {"Content-Type": "application/json"}

    def send(numbers: range) -> None:
        with httpx.Client(timeout=30) as client:
            for number in numbers:
                answer = client.post(url, content=action_body(number), headers=headers)
                if answer.status_code != 201:
                    raise RuntimeError(f"action {number}: {answer.status_code} {answer.text}")

    share = -(-count // CONNECTIONS)
    parts = [
        range(first + i, min(first + count, first + i + share)) for i in range(0, count, share)
    ]
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        for done in [pool.submit(send, part) for part in parts]:
            done.result()


def soak(url: str) -> list[tuple[int, float, float]]:
    """(actions so far, server RSS in MB, seconds so far) after each stage."""
    port = _free_port()
    env = os.environ | {
        "LETTERDESK_DATABASE_URL": url,
        "LETTERDESK_SECRET_KEY": "bench",
        "LETTERDESK_RATE_LIMIT_ACTIONS_PER_ADDRESS": "1000000/hour",
    }
    command = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", HOST]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    samples = []
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://{HOST}:{port}"
            # On a busy machine the app's imports alone can take half a minute.
            _wait_until_healthy(base_url, process, log, STARTUP_SECONDS)
            take_actions(base_url, 10_000_000, 200)  # warm: first imports, pools, caches
            start = time.monotonic()
            samples.append((0, rss_mb(process.pid), 0.0))
            for stage in range(STAGES):
                take_actions(base_url, stage * STAGE, STAGE)
                samples.append(((stage + 1) * STAGE, rss_mb(process.pid), time.monotonic() - start))
        finally:
            _stop(process)
    return samples


def growth_per_1000(samples: list[tuple[int, float, float]]) -> float:
    (first, rss_first, _), (last, rss_last, _) = samples[0], samples[-1]
    return (rss_last - rss_first) / (last - first) * 1000


def postgresql() -> list[str]:
    with fresh_database("postgresql") as url, tempfile.TemporaryDirectory() as directory:
        engine = make_engine(url)
        settings = Settings(database_url=url, demo_key_file=Path(directory) / "key")
        with make_sessionmaker(engine)() as session:
            load_demo(session, settings)
        engine.dispose()
        samples = soak(url)
    half = len(samples) // 2
    early, late = growth_per_1000(samples[: half + 1]), growth_per_1000(samples[half:])
    verdict = "levels off" if late < LEVELLED_MB_PER_1000 else "still growing"
    stages = " ".join(f"{actions // 1000}k={rss:.1f}" for actions, rss, _ in samples)
    seconds = samples[-1][2]
    return [
        f"memory_soak_postgresql: {samples[-1][0]} actions in {seconds:.0f} s; server RSS MB "
        f"after each 1,000: {stages}",
        f"memory_soak_postgresql: growth per 1,000 actions {early:.2f} MB over the first "
        f"half, {late:.2f} MB over the second: {verdict} (under {LEVELLED_MB_PER_1000} MB "
        "per 1,000 counts as level)",
    ]
