"""When a failed attempt is tried again, as a policy object: exponential, capped, with
jitter so that retries of many rows spread out, and a last attempt after which the row
fails for good."""

import random
from dataclasses import dataclass
from datetime import timedelta

from app.settings import Settings


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float
    max_seconds: float
    max_attempts: int

    @classmethod
    def of(cls, settings: Settings) -> "RetryPolicy":
        return cls(
            settings.delivery_backoff_seconds,
            settings.delivery_backoff_max_seconds,
            settings.delivery_max_attempts,
        )

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def delay(self, attempts: int) -> timedelta:
        delay = min(self.max_seconds, self.base_seconds * 2 ** max(0, attempts - 1))
        return timedelta(seconds=delay * random.uniform(0.5, 1.5))
