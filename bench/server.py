"""The real service, as it is deployed: uvicorn in its own process, on a local port."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STARTUP_SECONDS = 300.0  # two workers on a busy two-core machine can take minutes
SHUTDOWN_SECONDS = 10.0


@contextmanager
def running_server(database_url: str, app: str = "app.asgi:app", workers: int = 1) -> Iterator[str]:
    """The base URL of a uvicorn server of `app` on `database_url`; the server is stopped
    when the block ends, however it ends."""
    port = _free_port()
    env = os.environ | {
        "LETTERDESK_DATABASE_URL": database_url,
        "LETTERDESK_SECRET_KEY": "bench",
        # The load comes from one address: limits stay on (their cost is measured) but
        # out of reach.
        "LETTERDESK_RATE_LIMIT_ACTIONS_PER_ADDRESS": "1000000/hour",
    }
    command = [sys.executable, "-m", "uvicorn", app, "--workers", str(workers)]
    command += ["--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://{HOST}:{port}"
            _wait_until_healthy(base_url, process, log)
            yield base_url
        finally:
            _stop(process)


def _free_port() -> int:
    # The port could be taken again before uvicorn binds it; on a bench machine it is not.
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(
    base_url: str,
    process: subprocess.Popen[bytes],
    log: IO[bytes],
    seconds: float = STARTUP_SECONDS,
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{_tail(log)}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer /healthz in {seconds} s:\n{_tail(log)}")


def _tail(log: IO[bytes], size: int = 4000) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")[-size:]


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(SHUTDOWN_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
