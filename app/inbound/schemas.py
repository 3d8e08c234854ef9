from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

FIGURES_EXAMPLE: dict[str, Any] = {
    "letters_sent": 412,
    "letters_bounced": 3,
    "replies_captured": 57,
    "replies_reported": 41,
    "no_reply_reported": 160,
    "letters_answered": 90,
    "outcomes_known": 250,
    "reply_rate": 0.36,
    "median_days_to_reply": 9.5,
}
OFFICIAL_EXAMPLE: dict[str, Any] = {
    "recipient_id": "rcp_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
    "display_name": "Marc Miller",
    **FIGURES_EXAMPLE,
}
OFFICE_EXAMPLE: dict[str, Any] = {
    "office": "Minister of Immigration, Refugees and Citizenship",
    "holders": ["Marc Miller"],
    **FIGURES_EXAMPLE,
}
PERIOD_EXAMPLE = {
    "first_sent_at": "2026-11-02T14:05:00Z",
    "last_sent_at": "2026-11-29T21:40:00Z",
}
RESPONSIVENESS_EXAMPLE: dict[str, Any] = {
    "campaign_id": "cmp_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
    "period": PERIOD_EXAMPLE,
    "overall": FIGURES_EXAMPLE,
    "recipients": [OFFICIAL_EXAMPLE],
    "offices": [OFFICE_EXAMPLE],
}
ORGANISATION_RESPONSIVENESS_EXAMPLE: dict[str, Any] = {
    "period": PERIOD_EXAMPLE,
    "overall": FIGURES_EXAMPLE,
    "campaigns": [
        {"campaign_id": "cmp_01JDQ9X5V6W7Y8Z9A0B1C2D3E4", "slug": "rescind-stca", **FIGURES_EXAMPLE}
    ],
    "recipients": [OFFICIAL_EXAMPLE],
    "offices": [OFFICE_EXAMPLE],
}


class Responsiveness(BaseModel):
    """What became of the emailed letters to one official, or of all of a campaign's."""

    letters_sent: int = Field(description="Emailed letters that left (bounced ones included).")
    letters_bounced: int
    replies_captured: int = Field(
        description="Letters answered by a person at their reply address (campaigns with "
        "reply capture); automatic replies and acknowledgements are not counted."
    )
    replies_reported: int = Field(
        description="Letters whose supporter said, asked by email (`questionnaire_days`), "
        "that they got a reply."
    )
    no_reply_reported: int = Field(
        description="Letters whose supporter said they got no reply (`not_yet` is not counted)."
    )
    letters_answered: int = Field(
        description="Letters known to be answered: a reply captured, or reported (each once)."
    )
    outcomes_known: int = Field(
        description="Letters whose outcome is known: a reply captured, or a yes or no reported."
    )
    reply_rate: float | None = Field(
        description="letters_answered / outcomes_known; null when no outcome is known."
    )
    median_days_to_reply: float | None = Field(
        description="From the letter leaving to its first captured reply, over the letters "
        "whose reply was captured; null when none was."
    )


class RecipientResponsiveness(Responsiveness):
    recipient_id: str | None
    display_name: str


class OfficeResponsiveness(Responsiveness):
    office: str = Field(
        description='The role written to ("Minister of Finance"), else the seat ("MP, Papineau").'
    )
    holders: list[str] = Field(description="The officials who held it, as the letters named them.")


class Period(BaseModel):
    first_sent_at: datetime | None = Field(description="When the first letter counted left.")
    last_sent_at: datetime | None = Field(description="When the last letter counted left.")


class CampaignResponsiveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [RESPONSIVENESS_EXAMPLE]})

    campaign_id: str
    period: Period
    overall: Responsiveness
    recipients: list[RecipientResponsiveness] = Field(
        description="Per official written to, most letters first."
    )
    offices: list[OfficeResponsiveness] = Field(
        description="Per office written to, most letters first."
    )


class CampaignFigures(Responsiveness):
    campaign_id: str
    slug: str


class OrganisationResponsiveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ORGANISATION_RESPONSIVENESS_EXAMPLE]})

    period: Period
    overall: Responsiveness
    campaigns: list[CampaignFigures] = Field(description="Per campaign, most letters first.")
    recipients: list[RecipientResponsiveness] = Field(
        description="Per official, over every campaign, most letters first."
    )
    offices: list[OfficeResponsiveness] = Field(
        description="Per office, over every campaign, most letters first."
    )
