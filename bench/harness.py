"""What every measure shares: its result, how that result is printed, and best-of-N timing."""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    """Our throughput next to a ceiling: the same work done the fastest plain way, measured
    in the same run, so that the ratio holds from one machine to the next."""

    name: str
    ours: float  # per second
    ceiling: float  # per second
    info: list[str] = field(default_factory=list)
    target: float | None = None  # the ratio to reach, where there is one

    @property
    def ratio(self) -> float:
        return self.ours / self.ceiling

    def line(self) -> str:
        target = ""
        if self.target is not None:
            verdict = "met" if self.ratio >= self.target else "not met"
            target = f" target>={self.target:.2f} ({verdict})"
        return (
            f"{self.name}: ratio={self.ratio:.2f}{target} "
            f"ours={self.ours:.0f}/s ceiling={self.ceiling:.0f}/s"
        )


class Stopwatch:
    """Set by `stopwatch()` when its block ends."""

    seconds: float = 0.0


@contextmanager
def stopwatch() -> Iterator[Stopwatch]:
    watch = Stopwatch()
    start = time.perf_counter()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - start


def best_of(runs: int, run: Callable[[], float]) -> float:
    """The fastest of `runs` runs. Each run times itself and returns its seconds, so that
    its own setup (a fresh database, a server starting) stays out of the measure; the
    fastest is the one least disturbed by everything else the machine was doing."""
    return min(run() for _ in range(runs))
