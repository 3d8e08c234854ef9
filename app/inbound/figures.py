"""Responsiveness: of the emailed letters that left, how many bounced and how many were
answered, per official (recipient), per office (the role written to, or the seat: "MP,
Papineau"), per campaign and overall; and how long the answers took.

An answer is known two ways: a reply captured at the letter's reply address (campaigns
with reply capture), or the supporter saying so in answer to the question we ask them
(app.impact). Counts are made in the database, grouped by letter kind; only the answered
letters' dates are read, to take their median (days from the letter leaving to its
first captured reply: a supporter's "yes" says that, not when)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.impact.models import Questionnaire
from app.inbound.models import Reply
from app.inbound.schemas import (
    CampaignFigures,
    CampaignResponsiveness,
    OfficeResponsiveness,
    OrganisationResponsiveness,
    Period,
    RecipientResponsiveness,
    Responsiveness,
)
from app.letters.lifecycle import LetterStatus
from app.letters.models import Letter

DAY_SECONDS = 86_400.0


@dataclass
class Tally:
    """What became of a group of letters; added up from the database's groups."""

    sent: int = 0
    bounced: int = 0
    captured: int = 0
    reported_yes: int = 0
    reported_no: int = 0
    answered: int = 0
    known: int = 0
    days: list[float] = field(default_factory=list)
    first_sent: datetime | None = None
    last_sent: datetime | None = None

    def add(self, other: "Tally") -> None:
        for name in ("sent", "bounced", "captured", "reported_yes", "reported_no"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.answered += other.answered
        self.known += other.known
        self.days += other.days
        firsts = [d for d in (self.first_sent, other.first_sent) if d is not None]
        lasts = [d for d in (self.last_sent, other.last_sent) if d is not None]
        self.first_sent = min(firsts) if firsts else None
        self.last_sent = max(lasts) if lasts else None

    def figures(self) -> dict[str, Any]:
        return {
            "letters_sent": self.sent,
            "letters_bounced": self.bounced,
            "replies_captured": self.captured,
            "replies_reported": self.reported_yes,
            "no_reply_reported": self.reported_no,
            "letters_answered": self.answered,
            "outcomes_known": self.known,
            "reply_rate": round(self.answered / self.known, 3) if self.known else None,
            "median_days_to_reply": round(median(self.days), 1) if self.days else None,
        }

    def period(self) -> Period:
        return Period(first_sent_at=self.first_sent, last_sent_at=self.last_sent)


@dataclass(frozen=True)
class Group:
    """The letters of one campaign to one official in one office."""

    campaign_id: str
    recipient_id: str | None
    name: str
    office: str


def _first_replies() -> Any:
    return (
        select(Reply.letter_id, func.min(Reply.received_at).label("answered_at"))
        .where(Reply.kind == "human")
        .group_by(Reply.letter_id)
        .subquery()
    )


def _letters(scope: ColumnElement[bool]) -> Any:
    """The emailed letters that left, with the keys they are grouped by as plain columns
    (PostgreSQL groups by a column, not by a JSON path bound twice)."""
    return (
        select(
            Letter.id,
            Letter.campaign_id,
            Letter.recipient_id,
            Letter.role_target,
            Letter.recipient["elected_office"].as_string().label("elected_office"),
            Letter.recipient[("district", "name")].as_string().label("district"),
            Letter.recipient["display_name"].as_string().label("name"),
            Letter.status,
            Letter.sent_at,
        )
        .where(scope, Letter.channel == "email", Letter.sent_at.is_not(None))
        .subquery()
    )


def _keys(letters: Any) -> list[Any]:
    c = letters.c
    return [c.campaign_id, c.recipient_id, c.role_target, c.elected_office, c.district]


def office_of(role: str | None, elected_office: str | None, district: str | None) -> str:
    """The office a letter was written to: the role, else the seat."""
    if role:
        return role
    return ", ".join(part for part in (elected_office, district) if part)


def _group(row: Any, names: dict[str | None, str]) -> Group:
    campaign_id, recipient_id, role, elected_office, district = row[:5]
    name = names.get(recipient_id) or str(row.name or "")
    return Group(campaign_id, recipient_id, name, office_of(role, elected_office, district) or name)


def tallies(session: Session, scope: ColumnElement[bool]) -> dict[Group, Tally]:
    """Per campaign, official and office, what became of the emailed letters `scope`
    selects."""
    first = _first_replies()
    letters = _letters(scope)
    answer = Questionnaire.answer
    captured = first.c.letter_id.is_not(None)
    bounced = letters.c.status == LetterStatus.BOUNCED
    rows = session.execute(
        select(
            *_keys(letters),
            func.max(letters.c.name).label("name"),
            func.count().label("sent"),
            func.sum(case((bounced, 1), else_=0)).label("bounced"),
            func.count(first.c.letter_id).label("captured"),
            func.sum(case((answer == "yes", 1), else_=0)).label("yes"),
            func.sum(case((answer == "no", 1), else_=0)).label("no"),
            func.sum(case((or_(captured, answer == "yes"), 1), else_=0)).label("answered"),
            func.sum(case((or_(captured, answer.in_(("yes", "no"))), 1), else_=0)).label("known"),
            func.min(letters.c.sent_at).label("first_sent"),
            func.max(letters.c.sent_at).label("last_sent"),
        )
        .select_from(letters)
        .outerjoin(first, first.c.letter_id == letters.c.id)
        .outerjoin(Questionnaire, Questionnaire.letter_id == letters.c.id)
        .group_by(*_keys(letters))
    ).all()
    # An official's name as their latest letter gave it, one per official.
    names: dict[str | None, str] = {}
    found: dict[Group, Tally] = defaultdict(Tally)
    for row in rows:
        group = _group(row, names)
        names.setdefault(group.recipient_id, group.name)
        found[group].add(
            Tally(
                int(row.sent), int(row.bounced or 0), int(row.captured), int(row.yes or 0),
                int(row.no or 0), int(row.answered or 0), int(row.known or 0), [],
                row.first_sent, row.last_sent,
            )
        )  # fmt: skip
    _add_days(session, letters, first, found, names)
    return dict(found)


def _add_days(
    session: Session,
    letters: Any,
    first: Any,
    found: dict[Group, Tally],
    names: dict[str | None, str],
) -> None:
    rows = session.execute(
        select(*_keys(letters), letters.c.name, letters.c.sent_at, first.c.answered_at)
        .select_from(letters)
        .join(first, first.c.letter_id == letters.c.id)
    )
    for row in rows:
        sent_at, answered_at = row.sent_at, row.answered_at
        assert isinstance(sent_at, datetime) and isinstance(answered_at, datetime)
        days = max(0.0, (answered_at - sent_at).total_seconds()) / DAY_SECONDS
        found[_group(row, names)].days.append(days)


def _folded(found: dict[Group, Tally], key: Any) -> dict[Any, Tally]:
    folded: dict[Any, Tally] = defaultdict(Tally)
    for group, tally in found.items():
        folded[key(group)].add(tally)
    return folded


def _total(tallies_: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies_:
        total.add(tally)
    return total


def by_official(found: dict[Group, Tally]) -> list[RecipientResponsiveness]:
    folded = _folded(found, lambda g: (g.recipient_id or f"name:{g.name}", g.recipient_id, g.name))
    rows = [
        RecipientResponsiveness(recipient_id=rid, display_name=name, **tally.figures())
        for (_, rid, name), tally in folded.items()
    ]
    return sorted(rows, key=lambda r: (-r.letters_sent, r.display_name))


def by_office(found: dict[Group, Tally]) -> list[OfficeResponsiveness]:
    folded = _folded(found, lambda g: g.office)
    holders: dict[str, set[str]] = defaultdict(set)
    for group in found:
        holders[group.office].add(group.name)
    rows = [
        OfficeResponsiveness(office=office, holders=sorted(holders[office]), **tally.figures())
        for office, tally in folded.items()
    ]
    return sorted(rows, key=lambda r: (-r.letters_sent, r.office))


def responsiveness(session: Session, campaign: Campaign) -> CampaignResponsiveness:
    found = tallies(session, Letter.campaign_id == campaign.id)
    total = _total(found.values())
    return CampaignResponsiveness(
        campaign_id=campaign.id,
        period=total.period(),
        overall=Responsiveness(**total.figures()),
        recipients=by_official(found),
        offices=by_office(found),
    )


def organisation_responsiveness(
    session: Session, organisation_id: str
) -> OrganisationResponsiveness:
    found = tallies(session, Letter.organisation_id == organisation_id)
    total = _total(found.values())
    per_campaign = _folded(found, lambda g: g.campaign_id)
    slugs = {
        campaign_id: slug
        for campaign_id, slug in session.execute(
            select(Campaign.id, Campaign.slug).where(Campaign.id.in_(list(per_campaign)))
        )
    }
    campaigns = [
        CampaignFigures(campaign_id=cid, slug=slugs.get(cid, ""), **tally.figures())
        for cid, tally in per_campaign.items()
    ]
    return OrganisationResponsiveness(
        period=total.period(),
        overall=Responsiveness(**total.figures()),
        campaigns=sorted(campaigns, key=lambda c: (-c.letters_sent, c.slug)),
        recipients=by_official(found),
        offices=by_office(found),
    )
