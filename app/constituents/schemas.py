from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.letters.schemas import AttemptOut, LetterStatus

EXPORTED_LETTER_EXAMPLE: dict[str, Any] = {
    "id": "ltr_01JD3ZK8Y2M0000000000000000",
    "recipient": {"display_name": "Marc Miller", "email": "marc.miller@parl.gc.ca"},
    "channel": "email",
    "status": "sent",
    "language": "en",
    "subject": "Rescind the Safe Third Country Agreement",
    "salutation": "Dear Minister,",
    "body_text": "Dear Minister,\n\nI am a nurse and I write to you from Edmonton.\n",
    "created_at": "2026-11-29T05:00:00Z",
    "sent_at": "2026-11-29T05:00:04Z",
    "failed_reason": None,
    "print_batch_id": None,
    "scrubbed_at": None,
    "attempts": [
        {
            "started_at": "2026-11-29T05:00:03Z",
            "finished_at": "2026-11-29T05:00:04Z",
            "outcome": "sent",
            "error": None,
        }
    ],
}
EXPORT_EXAMPLE: dict[str, Any] = {
    "email": "amelie@example.org",
    "organisation": "Amnistie internationale Canada",
    "exported_at": "2026-11-29T06:00:00Z",
    "actions": [
        {
            "id": "act_01JD3ZK8Y2M0000000000000000",
            "campaign": {
                "id": "cmp_01JD3ZK8Y2M0000000000000000",
                "slug": "rescind-stca",
                "title": {"en": "Rescind the STCA", "fr": "Annulez l'ETPS"},
            },
            "first_name": "Amélie",
            "last_name": "Tremblay",
            "email": "amelie@example.org",
            "street_address": "24 Rue Principale",
            "city": "Edmonton",
            "province": "AB",
            "postal_code": "T5A 1B7",
            "phone": None,
            "language": "en",
            "intro": "I am a nurse and I write to you from Edmonton.",
            "subject": None,
            "concern": None,
            "ask": None,
            "consent_to_contact": False,
            "created_at": "2026-11-29T05:00:00Z",
            "confirmed_at": None,
            "confirmation_attempts": [],
            "letters": [EXPORTED_LETTER_EXAMPLE],
        }
    ],
}
ERASURE_EXAMPLE: dict[str, Any] = {
    "email": "amelie@example.org",
    "actions": 3,
    "letters": 8,
    "letters_cancelled": 6,
    "delivery_attempts": 1,
    "files_deleted": 1,
    "print_batches": [],
}


class ExportedCampaign(BaseModel):
    id: str
    slug: str
    title: dict[str, str]


class ExportedReply(BaseModel):
    """An answer to the letter captured at its reply address (campaigns with reply capture)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: Literal["human", "auto_reply", "acknowledgement"]
    sender: str = Field(description="The address it came from.")
    subject: str
    body_text: str
    received_at: datetime
    forwarded_at: datetime | None = Field(description="When it was forwarded to the supporter.")
    scrubbed_at: datetime | None


class ExportedLetter(BaseModel):
    id: str
    recipient: dict[str, Any] = Field(description="The official, as the letter addressed them.")
    channel: Literal["email", "print"]
    status: LetterStatus
    language: Literal["en", "fr"]
    subject: str
    salutation: str
    body_text: str = Field(
        description="The letter as written (its HTML and printed forms hold the same words)."
    )
    created_at: datetime
    sent_at: datetime | None
    failed_reason: str | None
    print_batch_id: str | None = Field(description="The print batch it was printed in, if any.")
    scrubbed_at: datetime | None = Field(
        description="When its text was erased by retention (its other letters may be newer)."
    )
    attempts: list[AttemptOut] = Field(description="Every attempt to deliver it.")
    replies: list[ExportedReply] = Field(
        default_factory=list, description="Answers captured at its reply address."
    )


class ExportedAction(BaseModel):
    id: str
    campaign: ExportedCampaign
    first_name: str
    last_name: str
    email: str
    street_address: str
    city: str
    province: str
    postal_code: str
    phone: str | None
    language: Literal["en", "fr"]
    intro: str
    subject: str | None = Field(
        None, description="Their own subject, where the campaign let them write one."
    )
    concern: str | None = Field(description="Their own concern, where they wrote one.")
    ask: str | None = Field(description="Their own ask, where they wrote one.")
    consent_to_contact: bool
    created_at: datetime
    confirmed_at: datetime | None
    confirmation_attempts: list[AttemptOut] = Field(
        description="Attempts to send the email that asked them to confirm their address."
    )
    letters: list[ExportedLetter]


class ConstituentExport(BaseModel):
    """Everything an organisation holds on one supporter, to be given to them as it is."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXPORT_EXAMPLE]})

    email: str
    organisation: str = Field(description="The organisation's name.")
    exported_at: datetime
    actions: list[ExportedAction] = Field(
        description="Every action they took, oldest first, with its letters. Empty when we "
        "hold nothing on this address (never, or erased)."
    )


class Erasure(BaseModel):
    """What an erasure scrubbed. Erasing an address that holds nothing (never, or erased
    already) answers zeros."""

    model_config = ConfigDict(json_schema_extra={"examples": [ERASURE_EXAMPLE]})

    email: str
    actions: int = Field(description="Actions whose supporter details and words were erased.")
    letters: int = Field(description="Letters whose text was erased; they remain, with state.")
    letters_cancelled: int = Field(
        description="Letters not yet sent (waiting for confirmation, queued, or in a print "
        "batch still being built): cancelled."
    )
    delivery_attempts: int = Field(description="Delivery attempts whose error text was erased.")
    files_deleted: int = Field(description="Email files (.eml) deleted from the outbox folder.")
    print_batches: list[str] = Field(
        description="Print batches whose PDF holds (or, being built, may hold) some of these "
        "letters: printed, or ready to be; retention deletes the files once mailed."
    )


class SupporterErasedEvent(BaseModel):
    """`supporter.erased`'s data: the ids whose personal data were just erased, so that a
    partner erases what it holds of them too. Ids only: nothing of the supporter."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action_ids": ["act_01JD3ZK8Y2M0000000000000000"],
                    "letter_ids": ["ltr_01JD3ZK8Y2M0000000000000000"],
                    "campaign_ids": ["cmp_01JD3ZK8Y2M0000000000000000"],
                    "erased_at": "2026-11-30T09:00:00Z",
                    "reason": "request",
                }
            ]
        }
    )

    action_ids: list[str]
    letter_ids: list[str]
    campaign_ids: list[str]
    erased_at: datetime
    reason: Literal["request", "retention"] = Field(
        description="`request`: erased on request (`DELETE /v1/constituents`); "
        "`retention`: the retention period ran out (`LETTERDESK_RETENTION_DAYS`)."
    )
