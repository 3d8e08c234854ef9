"""The results page's replies per office: the figures of
GET /v1/campaigns/{id}/responsiveness, counted by app.inbound.figures, shaped for the
page: sorted as the organiser asks, written in the page's language. The organisation's
own page shows every figure; only the public page holds back those resting on few
letters (app.impact.pages)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.inbound.schemas import OfficeResponsiveness, Responsiveness
from app.web.i18n import Language, number

NONE = "—"
REPLY_SORTS: dict[str, Callable[[OfficeResponsiveness], Any]] = {
    "sent": lambda row: (-row.letters_sent, row.office.casefold()),
    "office": lambda row: row.office.casefold(),
    # Offices with no known outcome go last, whichever way the others are ranked.
    "rate": lambda row: (row.reply_rate is None, -(row.reply_rate or 0.0), -row.letters_sent),
}


@dataclass(frozen=True)
class ReplyRow:
    """One office's figures as the page shows them."""

    office: str
    holders: str
    sent: str
    bounced: str
    captured: str
    reported: str
    rate: str
    median_days: str


def percent(share: float | None, language: Language) -> str:
    if share is None:
        return NONE
    value = round(100 * share)
    return f"{value}\u202f%" if language == "fr" else f"{value}%"


def days(value: float | None, language: Language) -> str:
    if value is None:
        return NONE
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if language == "fr" else shown


def reply_row(
    office: str, holders: list[str], figures: Responsiveness, language: Language
) -> ReplyRow:
    return ReplyRow(
        office=office,
        holders=", ".join(holders),
        sent=number(figures.letters_sent, language),
        bounced=number(figures.letters_bounced, language),
        captured=number(figures.replies_captured, language),
        reported=number(figures.replies_reported, language),
        rate=percent(figures.reply_rate, language),
        median_days=days(figures.median_days_to_reply, language),
    )


def reply_rows(
    offices: list[OfficeResponsiveness], sort: str, language: Language
) -> list[ReplyRow]:
    ordered = sorted(offices, key=REPLY_SORTS[sort])
    return [reply_row(row.office, row.holders, row, language) for row in ordered]
