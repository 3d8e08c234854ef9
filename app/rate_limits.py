"""Rate limits for the public endpoints: so many hits per window, per client address
and per supporter email, counted in this process or shared through Redis.

Windows are fixed (a hit counts in the window of the clock it falls in), which lets a
client spend up to twice a limit across a window boundary; in exchange a hit costs one
round trip to Redis and two integers in memory.
"""

import hashlib
import hmac
import ipaddress
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Protocol

import redis
from fastapi import Depends, Request

from app.errors import TooManyRequests
from app.settings import Settings, secret_key

log = logging.getLogger(__name__)

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86_400}
_LIMIT = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?\s*$")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Limit":
        """'5/hour', '100/day', '20/10minutes'."""
        match = _LIMIT.match(text.lower())
        if not match or int(match[1]) < 1:
            raise ValueError(f"{text!r} is not a limit such as '5/hour' or '20/10minutes'")
        periods = int(match[2] or 1)
        if periods < 1:
            raise ValueError(f"{text!r}: the period must be at least 1")
        return cls(int(match[1]), periods * _PERIODS[match[3]])


class Counter(Protocol):
    def hit(self, key: str, seconds: int, now: float) -> int:
        """Count one hit in the window `now` falls in; answer the window's count."""
        ...


class MemoryCounter:
    """Counts in this process: right for one API process; several processes or hosts
    each count on their own, so share a Redis then."""

    def __init__(self) -> None:
        # key -> (window number, hits in it, when the window ends)
        self._windows: dict[str, tuple[int, int, float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def hit(self, key: str, seconds: int, now: float) -> int:
        window = int(now // seconds)
        with self._lock:
            if now >= self._next_sweep:
                self._windows = {k: v for k, v in self._windows.items() if v[2] > now}
                self._next_sweep = now + 60
            start, count, _ = self._windows.get(key, (window, 0, 0.0))
            count = count + 1 if start == window else 1
            self._windows[key] = (window, count, (window + 1) * seconds)
            return count


class RedisCounter:
    """Counts in Redis, shared by every API process and host."""

    def __init__(self, url: str, prefix: str) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix

    def hit(self, key: str, seconds: int, now: float) -> int:
        name = f"{self.prefix}{key}:{int(now // seconds)}"
        # The window's counter is made with its expiry, then counted: one round trip, and
        # any Redis since 2.6 (EXPIRE's NX option needs 7).
        pipe = self.client.pipeline(transaction=False)
        pipe.set(name, 0, ex=seconds + 1, nx=True)
        pipe.incr(name)
        _, count = pipe.execute()
        return int(count)

    def close(self) -> None:
        self.client.close()


class RateLimiter:
    def __init__(
        self,
        counter: Counter,
        limits: dict[str, Limit],
        pseudonymise: Callable[[str], str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.counter = counter
        self.limits = limits
        self.pseudonymise = pseudonymise
        self.clock = clock

    def check(self, name: str, who: str, limit: Limit | None = None) -> None:
        """Count a hit by `who` against the limit `name` (or `limit`, one of `who`'s
        own); raise 429 past it. If the shared counter cannot be reached, let the hit
        through: a Redis outage should not take the campaign down with it. Any other
        Redis error is a fault to see."""
        limit = limit or self.limits[name]
        now = self.clock()
        if self._over(name, who, limit, now):
            retry_after = max(1, math.ceil(limit.seconds - now % limit.seconds))
            raise TooManyRequests(
                f"Too many requests; try again in {retry_after} seconds.",
                headers={"Retry-After": str(retry_after)},
                retry_after=retry_after,
            )

    def exceeded(self, name: str, who: str) -> bool:
        """Count a hit by `who` against the limit `name`; answer whether it is past it
        (never, when the shared counter cannot be reached)."""
        return self._over(name, who, self.limits[name], self.clock())

    def _over(self, name: str, who: str, limit: Limit, now: float) -> bool:
        key = f"{name}:{self.pseudonymise(who)}:{limit.seconds}"
        try:
            count = self.counter.hit(key, limit.seconds, now)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            log.warning("rate limit not checked: %s", error)
            return False
        return count > limit.count


def make_rate_limiter(settings: Settings) -> RateLimiter:
    limits = {
        "action-address": Limit.parse(settings.rate_limit_actions_per_address),
        "held-action-address": Limit.parse(settings.rate_limit_held_actions_per_address),
        "action-email": Limit.parse(settings.rate_limit_actions_per_email),
        "action-key": Limit.parse(settings.rate_limit_actions_per_key),
        "confirm-address": Limit.parse(settings.rate_limit_confirmations_per_address),
        "page-address": Limit.parse(settings.rate_limit_page_calls_per_address),
        "sign-in-address": Limit.parse(settings.rate_limit_sign_in_per_address),
    }
    counter: Counter = (
        RedisCounter(settings.redis_url, settings.redis_prefix)
        if settings.redis_url
        else MemoryCounter()
    )
    key = secret_key(settings).encode()

    # Emails and addresses are personal data: the counters hold only keyed digests.
    def pseudonymise(who: str) -> str:
        return hmac.new(key, who.encode(), hashlib.sha256).hexdigest()[:32]

    return RateLimiter(counter, limits, pseudonymise)


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (behind a proxy, uvicorn's
    `forwarded_allow_ips` decides whether X-Forwarded-For is believed). IPv6 clients
    are counted by their /64, which one household or phone holds."""
    host = request.client.host if request.client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return counted_address(address)


def counted_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """An address as the limits count it."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)  # an IPv4 client seen through a dual-stack socket
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def check_address(request: Request, name: str) -> None:
    if request.app.state.settings.rate_limits_enabled:
        request.app.state.rate_limiter.check(name, client_address(request))


def hold_past_address_limit(request: Request, address: str | None = None) -> bool:
    """Counts an action from `address` (the client's, unless a partner named the
    supporter's): past the per-address limit, answers True, and the action is taken but
    its letters wait for the supporter to confirm by email (many people share one
    address: a classroom, an office). Past the held limit as well, 429: one address
    cannot have confirmation emails sent without end."""
    if not request.app.state.settings.rate_limits_enabled:
        return False
    limiter: RateLimiter = request.app.state.rate_limiter
    who = address or client_address(request)
    if not limiter.exceeded("action-address", who):
        return False
    limiter.check("held-action-address", who)
    return True


def _limit_by_address(name: str) -> Callable[[Request], None]:
    def dependency(request: Request) -> None:
        check_address(request, name)

    return dependency


# Providers that deliver a.b@ and ab@ to one mailbox, by the name they answer to.
_DOTS_IGNORED = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_of(email: str) -> str:
    """The mailbox an address reaches, for limits on what one inbox receives: without a
    `+tag`, without the dots its provider ignores. Never an identity: two addresses of one
    mailbox are two supporters to the actions table (see letters.models.email_key_of)."""
    local, _, domain = email.casefold().rpartition("@")
    domain = _DOTS_IGNORED.get(domain, domain)
    local = local.partition("+")[0] or local
    if domain in _DOTS_IGNORED.values():
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def mailbox_digest(settings: Settings, email: str) -> str:
    """A mailbox as a keyed digest, for rows that limit what it receives: no address is
    kept for it."""
    key = secret_key(settings).encode()
    return hmac.new(key, f"mailbox:{mailbox_of(email)}".encode(), hashlib.sha256).hexdigest()


def check_supporter_email(request: Request, email: str) -> None:
    """One limit per mailbox however its address is written: `+tags` and dotted variants
    are not fresh quota for mail to one inbox."""
    if request.app.state.settings.rate_limits_enabled:
        request.app.state.rate_limiter.check("action-email", mailbox_of(email))


ActionsByAddress = Annotated[None, Depends(_limit_by_address("action-address"))]
ConfirmationsByAddress = Annotated[None, Depends(_limit_by_address("confirm-address"))]
PageCallsByAddress = Annotated[None, Depends(_limit_by_address("page-address"))]
