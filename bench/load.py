"""A closed-loop HTTP/1.1 load generator on raw asyncio streams: each connection sends
a request, reads the answer, and sends the next, for a set time. It does little work per
request, so that on a two-core machine it takes as little as it can from the servers it
measures; whatever it does take, it takes equally from both sides of a ratio."""

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run_load(
    url: str,
    body_for: Callable[[int], bytes],
    *,
    connections: int,
    seconds: float,
    warmup_seconds: float,
    headers: dict[str, str] | None = None,
    headers_for: Callable[[int], dict[str, str]] | None = None,
) -> LoadResult:
    """POST `body_for(n)` (n counts every request made), with `headers` and
    `headers_for(n)`, to `url` from `connections` connections; requests answered in the
    warm-up are not counted."""
    return asyncio.run(
        _load(
            url,
            body_for,
            connections,
            seconds,
            warmup_seconds,
            headers or {},
            headers_for or (lambda _: {}),
        )
    )


async def _load(
    url: str,
    body_for: Callable[[int], bytes],
    connections: int,
    seconds: float,
    warmup_seconds: float,
    headers: dict[str, str],
    headers_for: Callable[[int], dict[str, str]],
) -> LoadResult:
    parts = urlsplit(url)
    head = f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
    head += "Content-Type: application/json\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    counter = itertools.count()
    start = time.monotonic()
    measured_from = start + warmup_seconds
    stop_at = measured_from + seconds
    result = LoadResult(seconds)

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while (sent_at := time.monotonic()) < stop_at:
                number = next(counter)
                body = body_for(number)
                own = "".join(f"{name}: {value}\r\n" for name, value in headers_for(number).items())
                request = f"{head}{own}Content-Length: {len(body)}\r\n\r\n".encode() + body
                writer.write(request)
                status = await _read_response(reader)
                answered_at = time.monotonic()
                if answered_at < measured_from or answered_at > stop_at:
                    continue
                if 200 <= status < 300:
                    result.latencies.append(answered_at - sent_at)
                else:
                    result.failures[status] = result.failures.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    return result


async def _read_response(reader: asyncio.StreamReader) -> int:
    header = await reader.readuntil(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status
