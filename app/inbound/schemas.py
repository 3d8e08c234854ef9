from pydantic import BaseModel, Field


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
    campaign_id: str
    overall: Responsiveness
    recipients: list[RecipientResponsiveness] = Field(
        description="Per official written to, most letters first."
    )
