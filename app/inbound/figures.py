"""Responsiveness: per campaign and per official, how many emailed letters left, bounced,
and were answered by a person, and how long the answers took. Counted in the database;
only the answered letters' dates are read, to take their median."""

from collections import defaultdict
from datetime import datetime
from statistics import median

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.inbound.models import Reply
from app.inbound.schemas import CampaignResponsiveness, RecipientResponsiveness, Responsiveness
from app.letters.lifecycle import LetterStatus
from app.letters.models import Letter

DAY_SECONDS = 86_400.0


def _figures(sent: int, bounced: int, days: list[float]) -> dict[str, object]:
    return {
        "letters_sent": sent,
        "letters_bounced": bounced,
        "replies_captured": len(days),
        "median_days_to_reply": round(median(days), 1) if days else None,
    }


def _days_to_first_reply(session: Session, campaign_id: str) -> dict[str | None, list[float]]:
    """Per recipient, the days from each answered letter leaving to its first human reply."""
    first = (
        select(Reply.letter_id, func.min(Reply.received_at).label("answered_at"))
        .where(Reply.kind == "human")
        .group_by(Reply.letter_id)
        .subquery()
    )
    rows = session.execute(
        select(Letter.recipient_id, Letter.sent_at, first.c.answered_at)
        .join(first, first.c.letter_id == Letter.id)
        .where(Letter.campaign_id == campaign_id, Letter.sent_at.is_not(None))
    )
    days: dict[str | None, list[float]] = defaultdict(list)
    for recipient_id, sent_at, answered_at in rows:
        assert isinstance(sent_at, datetime) and isinstance(answered_at, datetime)
        days[recipient_id].append(max(0.0, (answered_at - sent_at).total_seconds()) / DAY_SECONDS)
    return days


def responsiveness(session: Session, campaign: Campaign) -> CampaignResponsiveness:
    names = Letter.recipient["display_name"].as_string()
    rows = session.execute(
        select(
            Letter.recipient_id,
            func.max(names),
            func.count(),
            func.sum(case((Letter.status == LetterStatus.BOUNCED, 1), else_=0)),
        )
        .where(
            Letter.campaign_id == campaign.id,
            Letter.channel == "email",
            Letter.sent_at.is_not(None),
        )
        .group_by(Letter.recipient_id)
    ).all()
    days = _days_to_first_reply(session, campaign.id)
    recipients = sorted(
        (
            RecipientResponsiveness(
                recipient_id=recipient_id,
                display_name=str(name or ""),
                **_figures(int(sent), int(bounced or 0), days.get(recipient_id, [])),
            )
            for recipient_id, name, sent, bounced in rows
        ),
        key=lambda figures: (-figures.letters_sent, figures.display_name),
    )
    every_day = [day for values in days.values() for day in values]
    overall = Responsiveness(
        **_figures(
            sum(r.letters_sent for r in recipients),
            sum(r.letters_bounced for r in recipients),
            every_day,
        )
    )
    return CampaignResponsiveness(campaign_id=campaign.id, overall=overall, recipients=recipients)
