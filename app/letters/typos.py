"""'Did you mean …?' for an email address whose domain looks like a slip of the keys on a
common one (gmial.com, hotmial.com, gmail.con). A suggestion, never a refusal: the
address as typed is valid, and may be right (a small provider whose name is one letter
from a big one's).

The list is short on purpose: the providers most Canadians write from, where a typo is
common and costly (the confirmation and the receipt would go nowhere).

Letters own it: the API's answer to an action carries it (`email_suggestion`); the
action page asks with it before sending."""

from functools import lru_cache

COMMON_DOMAINS = (
    "gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com", "live.com",
    "hotmail.ca", "yahoo.ca", "live.ca", "outlook.fr", "hotmail.fr", "msn.com", "me.com",
    "aol.com", "protonmail.com", "protonmail.ch", "proton.me", "videotron.ca",
    "sympatico.ca", "bell.net", "shaw.ca", "telus.net", "rogers.com", "cogeco.ca",
    "eastlink.ca", "gmx.com",
)  # fmt: skip
# ".com" mistyped, on a domain not in the list: example.con is surely example.com.
COM_TYPOS = ("con", "cmo", "ocm", "vom", "xom", "comm", "coom", "copm", "cpm", "clm")
# One letter apart on a short domain is too often another real one (me.com, mc.com).
ONE_EDIT_FROM, TWO_EDITS_FROM = 8, 10


def distance(a: str, b: str, most: int) -> int:
    """Edits from a to b (insert, delete, replace, swap two neighbours), or most + 1 when
    it is more than `most`."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return min(row[-1], most + 1)


def suggest_email(email: str) -> str | None:
    """The address with its domain as it was probably meant, or None when it looks right
    (or is not an address at all: the field's own check says so)."""
    local, at, domain = email.strip().rpartition("@")
    domain = domain.lower().rstrip(".")
    if not at or not local or "." not in domain or domain in COMMON_DOMAINS:
        return None
    meant = domain_meant(domain)
    return f"{local}@{meant}" if meant else None


@lru_cache(maxsize=4096)
def domain_meant(domain: str) -> str | None:
    """The common domain `domain` is a slip of the keys on, or None. Supporters write from
    few domains, each measured against every common one (a few dozen edit distances): the
    answer is kept, per process, for the domains seen most recently."""
    best, best_distance = None, 3
    for common in COMMON_DOMAINS:
        most = 2 if len(common) >= TWO_EDITS_FROM else 1 if len(common) >= ONE_EDIT_FROM else 0
        found = distance(domain, common, most)
        if found <= most and found < best_distance:
            best, best_distance = common, found
    if best is None:
        name, _, tld = domain.rpartition(".")
        if tld in COM_TYPOS and name:
            best = f"{name}.com"
    return best
