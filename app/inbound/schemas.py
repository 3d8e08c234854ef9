from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RESPONSIVENESS_EXAMPLE: dict[str, Any] = {
    "campaign_id": "cmp_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
    "overall": {
        "letters_sent": 412,
        "letters_bounced": 3,
        "replies_captured": 57,
        "median_days_to_reply": 9.5,
    },
    "recipients": [
        {
            "recipient_id": "rcp_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
            "display_name": "Marc Miller",
            "letters_sent": 380,
            "letters_bounced": 0,
            "replies_captured": 54,
            "median_days_to_reply": 9.0,
        }
    ],
}


class Responsiveness(BaseModel):
    """What became of the emailed letters to one official, or of all of a campaign's."""

    letters_sent: int = Field(description="Emailed letters that left (bounced ones included).")
    letters_bounced: int
    replies_captured: int = Field(
        description="Letters answered by a person at their reply address (campaigns with "
        "reply capture); automatic replies and acknowledgements are not counted."
    )
    median_days_to_reply: float | None = Field(
        description="From the letter leaving to its first captured reply, over the letters "
        "answered; null when none was."
    )


class RecipientResponsiveness(Responsiveness):
    recipient_id: str | None
    display_name: str


class CampaignResponsiveness(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [RESPONSIVENESS_EXAMPLE]})

    campaign_id: str
    overall: Responsiveness
    recipients: list[RecipientResponsiveness] = Field(
        description="Per official written to, most letters first."
    )
