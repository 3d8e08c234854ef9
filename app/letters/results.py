"""A campaign's results: what its organisers watch (the console's results page and
`GET /v1/campaigns/{id}/results` give the same figures). Counts only: no one's details."""

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.campaigns.models import Campaign
from app.directory.models import Recipient
from app.letters.lifecycle import LetterStatus
from app.letters.models import Action, Letter
from app.letters.schemas import CampaignResults, DayCount, RecipientResult, RidingResult

# A letter that left: emailed (a bounce came later), or printed and posted.
# The most values a breakdown by utm tag or embedding site names.
TOP_VALUES = 20
LEFT = {LetterStatus.SENT, LetterStatus.BOUNCED, LetterStatus.PRINTED, LetterStatus.MAILED}


def _actions_per_day(session: Session, campaign_id: str) -> list[DayCount]:
    day = func.date(Action.created_at)
    rows = session.execute(
        select(day, func.count())
        .where(Action.campaign_id == campaign_id)
        .group_by(day)
        .order_by(day)
    )
    return [DayCount(day=date.fromisoformat(str(when)[:10]), actions=count) for when, count in rows]


def _actions_by(
    session: Session, campaign_id: str, column: InstrumentedAttribute[str | None]
) -> dict[str, int]:
    """Actions by a column's value, most first (then by value), those without one left
    out, at most TOP_VALUES: a link's tags are whatever its sharers typed."""
    counted = func.count()
    rows = session.execute(
        select(column, counted)
        .where(Action.campaign_id == campaign_id, column.is_not(None))
        .group_by(column)
        .order_by(counted.desc(), column)
        .limit(TOP_VALUES)
    )
    return {value: count for value, count in rows if value is not None}


def _letters_by(session: Session, campaign_id: str) -> list[tuple[str | None, str, str, int]]:
    """(recipient id, channel, status, letters) for every combination present."""
    rows = session.execute(
        select(Letter.recipient_id, Letter.channel, Letter.status, func.count())
        .where(Letter.campaign_id == campaign_id)
        .group_by(Letter.recipient_id, Letter.channel, Letter.status)
    )
    return [(recipient, channel, status, count) for recipient, channel, status, count in rows]


def _recipients(session: Session, ids: set[str]) -> dict[str, Recipient]:
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(Recipient).where(Recipient.id.in_(ids)))}


def _name_of(recipient: Recipient | None) -> str:
    if recipient is None:
        return "—"
    return recipient.display_name or " ".join(
        part for part in (recipient.first_name, recipient.last_name) if part
    )


def _district_of(recipient: Recipient | None) -> str | None:
    return recipient.district_name if recipient is not None else None


def _by_recipient(
    session: Session, letters: list[tuple[str | None, str, str, int]]
) -> list[RecipientResult]:
    totals: dict[str | None, Counter[str]] = defaultdict(Counter)
    for recipient_id, _, status, count in letters:
        totals[recipient_id]["letters"] += count
        if status in LEFT:
            totals[recipient_id]["sent"] += count
    recipients = _recipients(session, {r for r in totals if r})
    rows = [
        RecipientResult(
            recipient_id=recipient_id,
            name=_name_of(recipients.get(recipient_id or "")),
            district=(
                recipients[recipient_id].district_name if recipient_id in recipients else None
            ),
            letters=counted["letters"],
            sent=counted["sent"],
        )
        for recipient_id, counted in totals.items()
    ]
    return sorted(rows, key=lambda row: (-row.letters, row.name))


def _by_riding(rows: list[RecipientResult]) -> list[RidingResult]:
    ridings: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.district:
            ridings[row.district]["letters"] += row.letters
            ridings[row.district]["sent"] += row.sent
    return sorted(
        (
            RidingResult(district=name, letters=c["letters"], sent=c["sent"])
            for name, c in ridings.items()
        ),
        key=lambda riding: (-riding.letters, riding.district),
    )


def results(session: Session, campaign: Campaign) -> CampaignResults:
    actions, confirmed, assisted = session.execute(
        select(
            func.count(),
            func.count(Action.confirmed_at),
            func.count(case((Action.assisted, 1))),
        ).where(Action.campaign_id == campaign.id)
    ).one()
    letters = _letters_by(session, campaign.id)
    by_state: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    for _, channel, status, count in letters:
        by_state[status] += count
        by_channel[channel] += count
    recipients = _by_recipient(session, letters)
    return CampaignResults(
        campaign_id=campaign.id,
        slug=campaign.slug,
        actions=actions,
        goal=campaign.goal,
        progress=round(actions / campaign.goal, 4) if campaign.goal else None,
        confirmed=confirmed,
        assisted=assisted,
        confirmed_share=round(confirmed / actions, 4) if actions else None,
        actions_per_day=_actions_per_day(session, campaign.id),
        letters_by_state=dict(sorted(by_state.items())),
        letters_by_channel=dict(sorted(by_channel.items())),
        by_recipient=recipients,
        by_riding=_by_riding(recipients),
        sources=dict(sorted(_actions_by(session, campaign.id, Action.source).items())),
        utm_campaigns=_actions_by(session, campaign.id, Action.utm_campaign),
        utm_sources=_actions_by(session, campaign.id, Action.utm_source),
        embedding_sites=_actions_by(session, campaign.id, Action.embedded_on),
    )
