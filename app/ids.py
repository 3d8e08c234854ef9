"""Opaque, prefixed, time-ordered ids ("rcp_01J..."): the prefix says what an id names,
and ordering by id is ordering by creation, which cursor pagination relies on."""

import base64
import os
import re
import threading
import time

_TO_CROCKFORD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)
_RANDOM_BITS = 80
_lock = threading.Lock()
_last = (0, 0)


def _crockford(value: int) -> str:
    """26 Crockford base32 digits of a 130-bit number, by the C base32 encoder and one
    translation of its alphabet (both alphabets sort as their values do)."""
    encoded = base64.b32encode(value.to_bytes(20, "big")).decode("ascii")
    return encoded[-26:].translate(_TO_CROCKFORD)


def _next_stamp() -> tuple[int, int]:
    """Milliseconds and randomness; within one millisecond of one process the randomness
    counts up from the last id, so ids made in a row (an import's rows) sort in order."""
    global _last
    millis = time.time_ns() // 1_000_000
    with _lock:
        last_millis, last_random = _last
        if millis <= last_millis and last_random + 1 < 2**_RANDOM_BITS:
            _last = (last_millis, last_random + 1)
        else:
            _last = (max(millis, last_millis + 1), int.from_bytes(os.urandom(10), "big") >> 1)
        return _last


def new_id(prefix: str) -> str:
    millis, randomness = _next_stamp()
    return f"{prefix}_{_crockford(millis << _RANDOM_BITS | randomness)}"


_WELL_FORMED = re.compile(r"^[a-z]{3}_[0-9A-HJKMNP-TV-Z]{26}$")


def is_well_formed(value: str) -> bool:
    """Whether `value` could be an id we made; anything else is found nowhere, so it is
    answered as a missing id is, without asking the database."""
    return bool(_WELL_FORMED.match(value))
