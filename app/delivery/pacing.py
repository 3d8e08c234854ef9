"""When the email lane may send a letter to an office, beyond being due: pacing per
destination domain, the organisation's office hours, and each supporter's order.

- Pacing: no more than `pace_per_minute` letters (`pace_per_domain` overrides) are
  claimed for one domain in any 60 seconds. The state is the deliveries themselves:
  each claimed letter's delivery keeps when it was claimed (`paced_at`), and a claim
  counts those of the last minute, so every worker on every host sees the same count.
  On PostgreSQL a claim takes a transaction lock per domain before it counts, so two
  workers never both take the last places of one minute. A letter the pace holds back
  is not claimed: it spends no attempt, fails nothing, and stays `queued`.
- Office hours: an organisation may have letters reach offices only in their hours
  (`organisations.office_hours`), read in the office's time zone, which comes from the
  recipient's province (`app.zones`).
- Order: a domain's letters are claimed oldest first (due time, then the order they
  were written), so a full minute never lets a later letter past an earlier one. And
  while pacing is on, a supporter's letters (one action's, in id order) are claimed one
  at a time, in order: a letter is not claimed while an earlier one of its action is
  due and waiting (for its domain's pace, its office's hours, or a sender) or being
  sent. Unpaced (`pace_per_minute=0`, no domain paced), they go together, as before.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from app.auth.models import Organisation
from app.delivery.models import Delivery
from app.letters.lifecycle import LetterStatus
from app.letters.models import Letter
from app.settings import Settings, parse_paces
from app.zones import PROVINCE_ZONES, province_zone

WINDOW = timedelta(seconds=60)


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_OFFICE_HOURS: dict[str, Any] = {
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "opens": "09:00",
    "closes": "17:00",
}


def domain_of(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].strip().lower().rstrip(".") or None


def zone_of(recipient: Mapping[str, Any]) -> str:
    """The office's time zone: its district's province, else its first address's."""
    province = (recipient.get("district") or {}).get("province")
    if not province:
        addresses = recipient.get("addresses") or []
        province = addresses[0].get("province") if addresses else None
    return province_zone(province)


def destination_of(recipient: Mapping[str, Any], channel: str) -> dict[str, str | None]:
    """A letter's delivery's pacing keys, from its recipient as the letter addresses them:
    the email's domain and the office's zone (none for print: no office hours apply)."""
    if channel != "email":
        return {"domain": None, "time_zone": None}
    return {"domain": domain_of(recipient.get("email")), "time_zone": zone_of(recipient)}


# Pacing


@dataclass(frozen=True)
class Pace:
    per_minute: int
    per_domain: Mapping[str, int]

    @classmethod
    def of(cls, settings: Settings) -> "Pace":
        return cls(settings.pace_per_minute, parse_paces(settings.pace_per_domain))

    def of_domain(self, domain: str) -> int:
        """Letters a minute; 0: unpaced."""
        return self.per_domain.get(domain, self.per_minute)

    def paces_any(self) -> bool:
        return self.per_minute > 0 or any(self.per_domain.values())


def claimed_last_minute(
    session: Session, now: datetime, domains: Iterable[str] | None = None
) -> dict[str, int]:
    """Letters claimed per domain in the 60 seconds up to `now` (a window open at its
    start: one claimed exactly a minute ago no longer counts)."""
    query = (
        select(Delivery.domain, func.count())
        .where(Delivery.paced_at > now - WINDOW, Delivery.domain.is_not(None))
        .group_by(Delivery.domain)
    )
    if domains is not None:
        query = query.where(Delivery.domain.in_(list(domains)))
    return {str(domain): count for domain, count in session.execute(query)}


def within_pace(session: Session, pace: Pace, now: datetime) -> ColumnElement[bool]:
    """The deliveries whose domain has room left this minute (or none, or no pace)."""
    if not pace.paces_any():
        return true()
    full = [
        domain
        for domain, count in claimed_last_minute(session, now).items()
        if 0 < pace.of_domain(domain) <= count
    ]
    if not full:
        return true()
    return or_(Delivery.domain.is_(None), Delivery.domain.not_in(full))


def lock_domains(session: Session, domains: Iterable[str]) -> None:
    """On PostgreSQL, one claim at a time counts and takes a domain's places (a lock held
    to the end of the claim's transaction; taken in order, so two claims never wait on
    each other in a circle). SQLite writes one transaction at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for domain in sorted(set(domains)):
        session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"pace:{domain}", 0)))
        )


def keep_within_pace(session: Session, pace: Pace, rows: list[Any], now: datetime) -> list[Any]:
    """Of the picked rows (oldest first; `.domain` each), those their domain has room
    for; the rest are left as they are, due, for a later claim."""
    domains = {row.domain for row in rows if row.domain and pace.of_domain(row.domain) > 0}
    if not domains:
        return rows
    lock_domains(session, domains)
    taken = claimed_last_minute(session, now, domains)
    kept = []
    for row in rows:
        limit = pace.of_domain(row.domain) if row.domain else 0
        if limit > 0:
            if taken.get(row.domain, 0) >= limit:
                continue
            taken[row.domain] = taken.get(row.domain, 0) + 1
        kept.append(row)
    return kept


# Office hours


@dataclass(frozen=True)
class OfficeHours:
    days: tuple[int, ...]  # Monday is 0
    opens: time
    closes: time

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> "OfficeHours":
        return cls(
            tuple(DAYS.index(day) for day in stored["days"]),
            time.fromisoformat(stored["opens"]),
            time.fromisoformat(stored["closes"]),
        )

    def open_at(self, now: datetime, zone: str) -> bool:
        local = now.astimezone(ZoneInfo(zone))
        return local.weekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, now: datetime, zone: str) -> datetime:
        """When the office next opens after `now` (in its zone), or `now` when open."""
        local = now.astimezone(ZoneInfo(zone))
        if self.open_at(now, zone):
            return local
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            opening = datetime.combine(day, self.opens, tzinfo=local.tzinfo)
            if day.weekday() in self.days and opening > local:
                return opening
        return local  # no day at all: cannot happen for hours the API accepted


def office_hours_of(stored: Mapping[str, Any] | None) -> OfficeHours | None:
    return OfficeHours.of(stored) if stored else None


def within_office_hours(session: Session, now: datetime) -> ColumnElement[bool]:
    """The deliveries whose office is open now, or whose organisation sends at any hour
    (or that go to no office: confirmations, receipts, sign-in links)."""
    rows = session.execute(
        select(Organisation.id, Organisation.office_hours).where(
            Organisation.office_hours.is_not(None)
        )
    )
    kept: list[ColumnElement[bool]] = []
    organisations = []
    for organisation_id, stored in rows:
        hours = office_hours_of(stored)
        if hours is None:  # a JSON null
            continue
        organisations.append(organisation_id)
        open_zones = [zone for zone in set(PROVINCE_ZONES.values()) if hours.open_at(now, zone)]
        kept.append(
            and_(Delivery.organisation_id == organisation_id, Delivery.time_zone.in_(open_zones))
        )
    if not organisations:
        return true()
    return or_(Delivery.time_zone.is_(None), Delivery.organisation_id.not_in(organisations), *kept)


def waits_for_office_hours(
    letter: Letter, stored_hours: Mapping[str, Any] | None, now: datetime
) -> datetime | None:
    """When a queued email letter's office opens next, if it is closed now and its
    organisation writes only in office hours; None: it does not wait for that."""
    hours = office_hours_of(stored_hours)
    if hours is None or letter.channel != "email" or letter.status != LetterStatus.QUEUED:
        return None
    zone = zone_of(letter.recipient)
    return None if hours.open_at(now, zone) else hours.next_opening(now, zone)


# Each supporter's order


def earlier_letters_first(now: datetime) -> ColumnElement[bool]:
    """No earlier letter of the same action is due and waiting, or being sent: a
    supporter's letters leave one at a time, in order. An earlier one waiting for a
    retry later (its delivery not yet due) lets the next go."""
    earlier, its_delivery = aliased(Letter), aliased(Delivery)
    return ~exists(
        select(earlier.id)
        .join(its_delivery, its_delivery.letter_id == earlier.id)
        .where(
            earlier.action_id == Letter.action_id,
            earlier.id < Letter.id,
            earlier.channel == "email",
            or_(
                earlier.status == LetterStatus.SENDING,
                and_(earlier.status == LetterStatus.QUEUED, its_delivery.due_at <= now),
            ),
        )
    )
