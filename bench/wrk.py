"""wrk (Debian's package; `make bench` installs it) as the load generator: C, one event
loop per thread, so that on a two-core machine it takes far less from the servers it
measures than a Python client would, and the same from both sides of a ratio.

Each run is driven by a Lua script made here: `request()` builds every request's body
from a Lua function given as text (so every action is a new supporter), `done()` prints
one JSON line with the counts and percentiles that `run_wrk` reads back.

A paced run offers a fixed rate instead of as many requests as the server takes: wrk 4
has no rate option (wrk2 is not packaged), so the script's `delay()` gives each request
the next slot of a fixed schedule (one every 1/rate seconds, counted on the monotonic
clock from the run's first request) and waits for it. wrk starts timing a request when it
is written, after that wait. A request whose slot had passed before a connection was free
to take it is counted as late, with how late: with none late, every request left on
time and the latencies are those at the offered rate (no coordinated omission); with
some late, their lateness is reported beside the percentiles."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

THREADS = 1  # one event loop drives every connection: the least taken from the servers
TIMEOUT_SECONDS = 30

PRELUDE = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock)  -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
function setup(thread)
  thread:set("thread_number", #threads)
  table.insert(threads, thread)
end

local prefix, interval_ms, start_ms
sent, late, late_most_ms = 0, 0, 0
function init(args)
  prefix = args[1] .. "t" .. thread_number
  interval_ms = tonumber(args[2])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function delay()
  local now = now_ms()
  if start_ms == nil then start_ms = now end
  local slot = start_ms + sent * interval_ms
  sent = sent + 1
  if slot >= now then return math.floor(slot - now) end
  if now - slot >= 1 then
    late = late + 1
    if now - slot > late_most_ms then late_most_ms = now - slot end
  end
  return 0
end

local number = 0
function request()
  number = number + 1
  local headers = nil
  if headers_for ~= nil then
    headers = headers_for(prefix, number)
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(nil, nil, headers, body_for(prefix, number))
end

function done(summary, latency, requests)
  local late_all, late_most_all = 0, 0
  for _, thread in ipairs(threads) do
    late_all = late_all + (thread:get("late") or 0)
    late_most_all = math.max(late_most_all, thread:get("late_most_ms") or 0)
  end
  io.write(string.format(
    '{"requests": %d, "microseconds": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"late": %d, "late_most_ms": %.1f}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, late_all, late_most_all))
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50: float  # seconds
    p90: float
    p99: float
    most: float
    late: int = 0  # paced runs: requests that could not leave at their slot
    late_most: float = 0.0  # seconds

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def latencies(self) -> str:
        return f"p50={self.p50 * 1000:.1f}ms p99={self.p99 * 1000:.1f}ms"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    return found


def run_wrk(
    url: str,
    body_for: str,
    *,
    prefix: str,
    connections: int,
    seconds: float,
    rate: float | None = None,
    warm_up: bool = False,
) -> WrkResult:
    """POST to `url` from `connections` connections for `seconds`, each body made by
    the Lua function `body_for(prefix, number)` (a string naming no one twice for a
    `prefix` used once); as fast as answered, or at `rate` requests a second offered.
    Raises if any request failed (a status other than 2xx/3xx, a socket error, a
    timeout); and, unless this is a `warm_up`, if none was answered."""
    interval_ms = 1000 * THREADS / rate if rate else 0
    script = PRELUDE + body_for + ("" if rate else "delay = nil\n")
    with tempfile.TemporaryDirectory(prefix="letterdesk_wrk_") as directory:
        path = Path(directory) / "bench.lua"
        path.write_text(script, encoding="utf-8")
        command = [ensure_wrk(), "-t", str(THREADS), "-c", str(connections)]
        command += ["-d", f"{seconds:g}s", "--timeout", f"{TIMEOUT_SECONDS}s", "-s", str(path)]
        command += [url, "--", prefix, f"{interval_ms:.3f}"]
        finished = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not lines:
        raise RuntimeError(
            f"wrk failed ({finished.returncode}): {finished.stderr or finished.stdout}"
        )
    figures = json.loads(lines[-1])
    failed = figures["status_errors"] + figures["socket_errors"] + figures["timeouts"]
    if failed:
        raise RuntimeError(f"{failed} requests failed against {url}: {figures}")
    if not figures["requests"] and not warm_up:
        raise RuntimeError(f"no request was answered in {seconds:g} s against {url}")
    return WrkResult(
        requests=figures["requests"],
        seconds=figures["microseconds"] / 1e6,
        p50=figures["p50_us"] / 1e6,
        p90=figures["p90_us"] / 1e6,
        p99=figures["p99_us"] / 1e6,
        most=figures["max_us"] / 1e6,
        late=figures.get("late", 0),
        late_most=figures.get("late_most_ms", 0.0) / 1000,
    )
