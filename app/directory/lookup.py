"""Which district(s) a postal code lies in, from one of two providers: the organisation's
own postal-code table, or a Represent API server (Open North's, or one of your own)."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory.models import PostalCodeDistrict
from app.errors import UpstreamUnavailable
from app.fields import fold, normalise_province
from app.settings import Settings


@dataclass(frozen=True)
class DistrictMatch:
    name: str
    code: str | None = None
    province: str | None = None
    # Found from the first characters of the code only (a forward sortation area): a
    # hint to confirm, not an answer.
    approximate: bool = False

    @property
    def key(self) -> str:
        return fold(self.name)


class DistrictProvider(Protocol):
    name: str

    def districts_for(
        self,
        session: Session,
        organisation_id: str,
        postal_code: str,
        elected_office: str | None = None,
    ) -> list[DistrictMatch]:
        """The districts `postal_code` ('K1A 0A6') may lie in; several when it straddles.
        Districts of `elected_office` (MPP, MNA, councillor...), the provider's own (MP)
        when None."""
        ...


class TableProvider:
    """The longest entry of the table that starts the postal code wins: a row for
    'K1A0A6' is used before one for 'K1A'."""

    name = "table"

    def districts_for(
        self,
        session: Session,
        organisation_id: str,
        postal_code: str,
        elected_office: str | None = None,
    ) -> list[DistrictMatch]:
        """The table holds federal districts: other offices' districts it does not know."""
        if elected_office is not None and fold(elected_office) != "mp":
            return []
        compact = postal_code.replace(" ", "")
        prefixes = [compact[:length] for length in range(len(compact), 0, -1)]
        rows = session.scalars(
            select(PostalCodeDistrict).where(
                PostalCodeDistrict.organisation_id == organisation_id,
                PostalCodeDistrict.prefix.in_(prefixes),
            )
        ).all()
        if not rows:
            return []
        longest = max(len(row.prefix) for row in rows)
        approximate = longest < len(compact)
        return [
            DistrictMatch(row.district_name, row.district_code, row.district_province, approximate)
            for row in sorted(rows, key=lambda row: row.district_name)
            if len(row.prefix) == longest
        ]


OfficeDistricts = list[tuple[str, DistrictMatch]]  # (folded elected office, district)


class _TTLCache:
    def __init__(self, size: int, seconds: float) -> None:
        self._entries: OrderedDict[str, tuple[float, OfficeDistricts]] = OrderedDict()
        self._size = size
        self._seconds = seconds
        self._lock = threading.Lock()

    def get(self, key: str) -> OfficeDistricts | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: str, value: OfficeDistricts) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + self._seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


class RepresentProvider:
    """Asks `/postcodes/{CODE}/` and reads both `representatives_centroid` (the district
    at the postal code's centre) and `representatives_concordance` (every district the
    postal code touches), keeping the districts of one elected office (MP by default, or
    the one asked for: the same answer names the supporter's MPP, MNA or councillor)."""

    name = "represent"

    def __init__(
        self,
        base_url: str,
        *,
        elected_office: str = "MP",
        timeout: float = 5.0,
        attempts: int = 3,
        cache_seconds: float = 86_400,
        cache_size: int = 10_000,
        backoff_seconds: float = 0.2,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            headers={"Accept": "application/json", "User-Agent": "letterdesk"},
        )
        self._office = fold(elected_office)
        self._attempts = max(1, attempts)
        self._backoff = backoff_seconds
        self._cache = _TTLCache(cache_size, cache_seconds)

    def close(self) -> None:
        self._client.close()

    def districts_for(
        self,
        session: Session,
        organisation_id: str,
        postal_code: str,
        elected_office: str | None = None,
    ) -> list[DistrictMatch]:
        compact = "".join(postal_code.split()).upper()
        every = self._cache.get(compact)
        if every is None:
            document = self._fetch(f"/postcodes/{compact}/")
            every = self._districts_in(document) if document is not None else []
            self._cache.put(compact, every)
        office = fold(elected_office) if elected_office is not None else self._office
        return [district for of_office, district in every if of_office == office]

    def _fetch(self, path: str) -> dict[str, Any] | None:
        """The document, None for a postal code Represent does not know; a 503 problem when
        the server fails every attempt (timeouts, 5xx and 429 are retried)."""
        reason = ""
        for attempt in range(self._attempts):
            if attempt:
                time.sleep(self._backoff * 2 ** (attempt - 1))
            try:
                response = self._client.get(path)
            except httpx.HTTPError as error:
                reason = f"{type(error).__name__}: {error}"
                continue
            if response.status_code == 404:
                return None
            if response.status_code == 429 or response.status_code >= 500:
                reason = f"HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                raise UpstreamUnavailable(
                    f"The Represent API answered HTTP {response.status_code}."
                )
            try:
                document = response.json()
            except ValueError:
                raise UpstreamUnavailable(
                    "The Represent API answered something not JSON."
                ) from None
            if not isinstance(document, dict):
                raise UpstreamUnavailable("The Represent API answered an unexpected shape.")
            return document
        raise UpstreamUnavailable(
            f"The Represent API did not answer after {self._attempts} attempts ({reason})."
        )

    def _districts_in(self, document: dict[str, Any]) -> OfficeDistricts:
        """Every office's districts in the answer, each once."""
        found: dict[tuple[str, str], DistrictMatch] = {}
        province = _province_of(document.get("province"))
        for field in ("representatives_centroid", "representatives_concordance"):
            representatives = document.get(field) or []
            if not isinstance(representatives, list):
                raise UpstreamUnavailable(f"The Represent API answered a {field} that is no list.")
            for representative in representatives:
                if not isinstance(representative, dict):
                    continue
                office = fold(str(representative.get("elected_office") or ""))
                name = representative.get("district_name")
                if isinstance(name, str) and name.strip():
                    match = DistrictMatch(name.strip(), province=province)
                    found.setdefault((office, fold(name)), match)
        return [(office, district) for (office, _), district in found.items()]


def _province_of(value: Any) -> str | None:
    try:
        return normalise_province(value) if isinstance(value, str) else None
    except ValueError:
        return None


def district_provider(settings: Settings) -> DistrictProvider:
    if settings.lookup_provider == "represent":
        return RepresentProvider(
            settings.represent_url,
            elected_office=settings.represent_elected_office,
            timeout=settings.represent_timeout_seconds,
            attempts=settings.represent_attempts,
            cache_seconds=settings.represent_cache_seconds,
            cache_size=settings.represent_cache_size,
        )
    return TableProvider()
