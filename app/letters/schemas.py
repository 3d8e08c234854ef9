from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

if TYPE_CHECKING:
    from app.letters.models import Letter

from app.fields import (
    Email,
    OptionalCode,
    OptionalOrigin,
    OptionalShortLine,
    OptionalSingleLine,
    PostalCode,
    Province,
    SingleLine,
    reject_control_characters,
    reject_control_characters_but_newlines,
    unix_newlines,
)
from app.pagination import PAGE_EXAMPLE, PageOut

ACTION_EXAMPLE: dict[str, Any] = {
    "supporter": {
        "first_name": "Amélie",
        "last_name": "Tremblay",
        "email": "amelie@example.org",
        "street_address": "24 Rue Principale",
        "city": "Gatineau",
        "province": "QC",
        "postal_code": "J8X 1A1",
        "phone": None,
    },
    "language": "fr",
    "intro": "Je suis infirmière et j'écris de Gatineau.",
    "concern": None,
    "ask": None,
    "consent_to_contact": False,
}
LETTER_EXAMPLE: dict[str, Any] = {
    "id": "ltr_01JD3ZK8Y2M0000000000000000",
    "recipient": {
        "id": "rcp_01JD3ZK8Y2M0000000000000000",
        "display_name": "The Honourable Marc Miller, P.C., M.P.",
        "elected_office": "MP",
        "role": "ministre de l'Immigration, des Réfugiés et de la Citoyenneté",
        "district": "Ville-Marie—Le Sud-Ouest—Île-des-Soeurs",
    },
    "channel": "email",
    "status": "queued",
    "language": "fr",
    "subject": "Annulez l'Entente sur les tiers pays sûrs",
    "salutation": "Monsieur le Ministre,",
    "body_text": "Monsieur le Ministre,\n\nJe suis infirmière et j'écris de Gatineau.\n\n...",
    "own_words_share": 0.42,
    "hold_until": "2026-11-29T05:05:00Z",
}
WARNING_EXAMPLE: dict[str, Any] = {
    "code": "intro_without_place",
    "part": "intro",
    "message": "Say where you write from: officials read letters from their constituents first.",
}
SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": "ltr_01JD3ZK8Y2M0000000000000000",
    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
    "campaign": "rescind-stca",
    "action_id": "act_01JD3ZK8Y2M0000000000000000",
    "recipient_id": "rcp_01JD3ZK8Y2M0000000000000000",
    "recipient_name": "The Honourable Marc Miller, P.C., M.P.",
    "channel": "email",
    "status": "sent",
    "language": "fr",
    "subject": "Annulez l'Entente sur les tiers pays sûrs",
    "created_at": "2026-11-29T05:00:00Z",
    "updated_at": "2026-11-29T05:05:03Z",
    "sent_at": "2026-11-29T05:05:03Z",
    "failed_reason": None,
    "hold_until": "2026-11-29T05:05:00Z",
}

INTRO_MAX = 1500
PART_MAX = 4000
SUBJECT_MIN = 5
SUBJECT_MAX = 150


Intro = Annotated[
    str,
    BeforeValidator(unix_newlines),
    StringConstraints(min_length=1, max_length=INTRO_MAX),
    AfterValidator(reject_control_characters_but_newlines),
    Field(
        description="A sentence or two about yourself and where you write from, in your own words.",
        examples=["Je suis infirmière et j'écris de Gatineau."],
    ),
]
Part = Annotated[
    str,
    BeforeValidator(unix_newlines),
    StringConstraints(min_length=1, max_length=PART_MAX),
    AfterValidator(reject_control_characters_but_newlines),
]


# A supporter's own subject: one line (it becomes an email's Subject header), long
# enough to say something and short enough to read whole in an inbox.
Subject = Annotated[
    str,
    StringConstraints(min_length=SUBJECT_MIN, max_length=SUBJECT_MAX),
    BeforeValidator(lambda value: value.strip() if isinstance(value, str) else value),
    AfterValidator(reject_control_characters),
    Field(
        description="The supporter's own subject, where the campaign allows it "
        "(subject_editable): one line; otherwise leave it out.",
        examples=["Une infirmière de Gatineau vous demande d'annuler l'Entente"],
    ),
]


# A partner's own keys and values (their CRM's ids, a referrer): flat strings, bounded
# as Stripe bounds its metadata, so that no action carries a document.
METADATA_KEYS_MAX = 20
METADATA_VALUE_MAX = 500
MetadataKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,40}$")]
MetadataValue = Annotated[
    str, StringConstraints(max_length=METADATA_VALUE_MAX), AfterValidator(reject_control_characters)
]
Metadata = Annotated[
    dict[MetadataKey, MetadataValue],
    Field(
        max_length=METADATA_KEYS_MAX,
        description=f"Your own keys and values, echoed wherever the action appears: at most "
        f"{METADATA_KEYS_MAX} keys of 1 to 40 letters, digits or `_.:-`, each a string of "
        f"at most {METADATA_VALUE_MAX} characters on one line. Erased with the supporter.",
        examples=[{"crm_id": "C-1042"}],
    ),
]
ConfirmationState = Literal["not_required", "pending", "confirmed", "expired"]
ActionSource = Literal["api", "key", "page", "event"]


UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
ORIGIN_FIELDS = (*UTM_FIELDS, "embedded_on")
ORIGIN_EXAMPLE: dict[str, Any] = {
    "utm_source": "newsletter",
    "utm_medium": "email",
    "utm_campaign": "stca-week",
    "utm_term": None,
    "utm_content": None,
    "embedded_on": "https://partner.example.org",
}


class ActionOrigin(BaseModel):
    """Where an action came from beyond `source`: the campaign link it came by, and the
    site that embedded the page. As the page or the caller says; nothing checks it."""

    utm_source: OptionalShortLine = Field(
        None,
        description="The link's `utm_source` (who sent the supporter: `newsletter`), at "
        "most 100 characters on one line. The action page records its address's own.",
        examples=["newsletter"],
    )
    utm_medium: OptionalShortLine = Field(None, examples=["email"])
    utm_campaign: OptionalShortLine = Field(None, examples=["stca-week"])
    utm_term: OptionalShortLine = None
    utm_content: OptionalShortLine = None
    embedded_on: OptionalOrigin = Field(
        None,
        description="The site whose page embedded the action page: an http(s) address, "
        "of which only the origin is kept (`https://partner.example.org`).",
    )


class Supporter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: SingleLine = Field(examples=["Amélie"])
    last_name: SingleLine = Field(examples=["Tremblay"])
    email: Email = Field(examples=["amelie@example.org"])
    street_address: SingleLine = Field(examples=["24 Rue Principale"])
    city: SingleLine = Field(examples=["Gatineau"])
    province: Province = Field(examples=["QC"])
    postal_code: PostalCode = Field(examples=["J8X 1A1"])
    phone: OptionalCode = None


class ActionCreate(ActionOrigin):
    """A supporter's letter: their details, their intro, and their versions of the
    concern and the ask where the campaign lets them write or change those."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ACTION_EXAMPLE]})

    supporter: Supporter
    language: Literal["en", "fr"] | None = Field(
        None, description="One of the campaign's languages; its first by default."
    )
    intro: Intro
    subject: Subject | None = None
    concern: Part | None = None
    ask: Part | None = None
    consent_to_contact: bool = Field(
        False, description="The supporter agrees to hear from the organisation. Never assumed."
    )
    district: OptionalSingleLine = Field(
        None,
        description="Where the postal code straddles districts, the supporter's choice "
        "among them (the candidates are named in the 422 that asks for it).",
    )
    metadata: Metadata = Field(default_factory=dict)


class QualityWarning(BaseModel):
    code: str = Field(examples=["intro_without_place"])
    part: Literal["intro", "concern", "ask", "recipients"]
    message: str


class LetterRecipient(BaseModel):
    id: str | None
    display_name: str
    elected_office: str | None
    role: str | None = Field(description="The role the letter is addressed to, if any.")
    district: str | None


class LetterOut(BaseModel):
    id: str | None = Field(description="None in a preview, which stores nothing.")
    recipient: LetterRecipient
    channel: Literal["email", "print"]
    status: str = Field(examples=["queued"])
    language: Literal["en", "fr"]
    subject: str
    salutation: str
    body_text: str
    own_words_share: float = Field(
        description="How much of the letter's message (intro, concern and ask) is the "
        "supporter's own writing, from 0 to 1: the intro and the words they added to the "
        "campaign's texts. Staff give most weight to letters in a person's own words.",
        examples=[0.42],
    )
    hold_until: datetime | None = Field(
        None,
        description="The end of the campaign's hold window: the letter leaves no earlier, "
        "and until then the supporter may stop it. Null with no window, in a preview, and "
        "while it waits for confirmation (the window starts when the supporter confirms).",
    )


class ActionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "act_01JD3ZK8Y2M0000000000000000",
                    "campaign": "rescind-stca",
                    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
                    "metadata": {"crm_id": "C-1042"},
                    "letters": [LETTER_EXAMPLE],
                    "warnings": [],
                    "confirmation": "not_required",
                    "next_step": None,
                    "email_suggestion": None,
                    "created_at": "2026-11-29T14:03:11Z",
                },
                {
                    "id": "act_01JD3ZK8Y2M0000000000000001",
                    "campaign": "rescind-stca",
                    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
                    "metadata": {},
                    "letters": [
                        LETTER_EXAMPLE | {"status": "pending_confirmation", "hold_until": None}
                    ],
                    "warnings": [],
                    "confirmation": "pending",
                    "next_step": "Many letters have come from your network lately (a school "
                    "or an office, perhaps), so we ask you to confirm yours: we have sent an "
                    "email to amelie@example.org. Follow the link in it within 7 days to send "
                    "your letters. Until then they wait.",
                    "email_suggestion": None,
                    "created_at": "2026-11-29T14:03:11Z",
                },
                {
                    "id": "act_01JD3ZK8Y2M0000000000000002",
                    "campaign": "rescind-stca",
                    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
                    "metadata": {},
                    "letters": [LETTER_EXAMPLE],
                    "warnings": [],
                    "confirmation": "not_required",
                    "next_step": None,
                    "email_suggestion": "amelie@gmail.com",
                    "created_at": "2026-11-29T14:03:11Z",
                },
            ]
        }
    )

    id: str
    campaign: str = Field(description="The campaign's slug.")
    campaign_id: str
    metadata: dict[str, str]
    letters: list[LetterOut]
    warnings: list[QualityWarning]
    confirmation: ConfirmationState = Field(
        "not_required",
        description="`pending` when the letters wait for the supporter to follow the link "
        "in the email we sent them: the campaign asks it, or many actions came from the "
        "same network address lately (past the per-address limit); else `not_required`.",
    )
    next_step: str | None = Field(
        None,
        description="What the supporter does next, in the letter's language, when it is up "
        "to them: to confirm by email.",
    )
    email_suggestion: str | None = Field(
        None,
        description="The supporter's address as it was probably meant, when its domain looks "
        "like a slip of the keys on a common provider's (`amelie@gmial.com`: "
        "`amelie@gmail.com`); else null. A suggestion, never a refusal: the action was "
        "taken with the address as given. Show it to the supporter, whose receipt, "
        "confirmation link and replies go to that address.",
        examples=["amelie@gmail.com"],
    )
    created_at: datetime = Field(description="When the action was taken.")


class SupporterOut(BaseModel):
    first_name: str
    last_name: str
    email: str
    street_address: str
    city: str
    province: str
    postal_code: str
    phone: str | None


SUPPORTER_EXAMPLE: dict[str, Any] = ACTION_EXAMPLE["supporter"] | {"postal_code": "J8X 1A1"}
CONFIRMATION_DESCRIPTION = (
    "`not_required` (the campaign asks none), `pending` (letters wait for the supporter "
    "to follow the link in their email), `confirmed`, or `expired` (never confirmed; "
    "the letters were not sent)."
)


class ActionCreatedEvent(ActionOut, ActionOrigin):
    """`action.created`'s data: the answer the supporter got, and who they are."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "act_01JD3ZK8Y2M0000000000000000",
                    "campaign": "rescind-stca",
                    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
                    "metadata": {"crm_id": "C-1042"},
                    "supporter": SUPPORTER_EXAMPLE,
                    "consent_to_contact": True,
                    "language": "fr",
                    "source": "api",
                    **ORIGIN_EXAMPLE,
                    "confirmation": "not_required",
                    "created_at": "2026-11-29T05:00:00Z",
                    "letters": [LETTER_EXAMPLE],
                    "warnings": [],
                }
            ]
        }
    )

    supporter: SupporterOut
    consent_to_contact: bool
    language: Literal["en", "fr"]
    source: ActionSource
    confirmation: ConfirmationState = Field(description=CONFIRMATION_DESCRIPTION)
    created_at: datetime


class ActionLetter(BaseModel):
    id: str
    recipient_id: str | None
    recipient_name: str
    channel: Literal["email", "print"]
    status: str = Field(examples=["sent"])
    created_at: datetime
    sent_at: datetime | None


ACTION_RECORD_EXAMPLE: dict[str, Any] = {
    "id": "act_01JD3ZK8Y2M0000000000000000",
    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
    "campaign": "rescind-stca",
    "supporter": SUPPORTER_EXAMPLE,
    "consent_to_contact": True,
    "language": "fr",
    "source": "api",
    **ORIGIN_EXAMPLE,
    "metadata": {"crm_id": "C-1042"},
    "confirmation": "not_required",
    "confirmed_at": None,
    "created_at": "2026-11-29T05:00:00Z",
    "scrubbed_at": None,
    "letters": [
        {
            "id": "ltr_01JD3ZK8Y2M0000000000000000",
            "recipient_id": "rcp_01JD3ZK8Y2M0000000000000000",
            "recipient_name": "The Honourable Marc Miller, P.C., M.P.",
            "channel": "email",
            "status": "sent",
            "created_at": "2026-11-29T05:00:00Z",
            "sent_at": "2026-11-29T05:00:03Z",
        }
    ],
}


class ActionRecord(ActionOrigin):
    """An action as a CRM reads it back: the supporter, their consent, and where each
    of their letters stands. Their words are in the letters (`GET /v1/letters/{id}`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [ACTION_RECORD_EXAMPLE]})

    id: str
    campaign_id: str
    campaign: str = Field(description="The campaign's slug.")
    supporter: SupporterOut | None = Field(
        description="None once the supporter's details were erased (`scrubbed_at`)."
    )
    consent_to_contact: bool
    language: Literal["en", "fr"]
    source: ActionSource = Field(
        description="`api` (the JSON API without a key), `key` (a keyed caller), `page` "
        "(the action page or its embed), `event` (entered by an advocate at a "
        "letter-writing event)."
    )
    assisted: bool = Field(
        False, description="Entered for the supporter by an advocate at a letter-writing event."
    )
    metadata: dict[str, str]
    confirmation: ConfirmationState = Field(description=CONFIRMATION_DESCRIPTION)
    confirmed_at: datetime | None
    created_at: datetime
    scrubbed_at: datetime | None
    letters: list[ActionLetter]


class ActionConfirmedEvent(BaseModel):
    """`action.confirmed`'s data: which action was confirmed and where its letters now
    stand; ids and states only, no personal data (the supporter is in `action.created`
    and `GET /v1/actions/{id}`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "act_01JD3ZK8Y2M0000000000000000",
                    "campaign": "rescind-stca",
                    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
                    "metadata": {"crm_id": "C-1042"},
                    "confirmed_at": "2026-11-29T05:07:00Z",
                    "letters": [ACTION_RECORD_EXAMPLE["letters"][0] | {"status": "queued"}],
                }
            ]
        }
    )

    id: str
    campaign: str = Field(description="The campaign's slug.")
    campaign_id: str
    metadata: dict[str, str]
    confirmed_at: datetime
    letters: list[ActionLetter]


class ActionList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [ACTION_RECORD_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[ActionRecord]


class PreviewOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "letters": [LETTER_EXAMPLE | {"id": None, "hold_until": None}],
                    "warnings": [WARNING_EXAMPLE],
                }
            ]
        }
    )

    letters: list[LetterOut]
    warnings: list[QualityWarning]


class CampaignStats(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "campaign": "rescind-stca",
                    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
                    "actions": 412,
                    "letters": 824,
                    "letters_sent": 810,
                    "goal": 1000,
                }
            ]
        }
    )

    campaign: str = Field(description="The campaign's slug.")
    campaign_id: str
    actions: int = Field(description="People who have taken action.")
    letters: int = Field(
        description="Letters written: one per official, and per channel where a campaign "
        "writes both by email and by post."
    )
    letters_sent: int = Field(description="Letters delivered so far.")
    goal: int | None


class DayCount(BaseModel):
    day: date = Field(description="A day (UTC).")
    actions: int


class RecipientResult(BaseModel):
    recipient_id: str | None = Field(description="Null for letters whose recipient is gone.")
    name: str
    district: str | None = Field(description="The riding an MP represents; null for others.")
    letters: int
    sent: int = Field(description="Letters that left: emailed, or printed and posted.")


class RidingResult(BaseModel):
    district: str
    letters: int
    sent: int


class CampaignResults(BaseModel):
    """What a campaign's organisers watch: counts only, no one's details."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "campaign_id": "cmp_01JD3ZK8Y2M0000000000000000",
                    "slug": "rescind-stca",
                    "actions": 412,
                    "goal": 1000,
                    "progress": 0.412,
                    "confirmed": 380,
                    "confirmed_share": 0.9223,
                    "actions_per_day": [{"day": "2026-11-28", "actions": 250}],
                    "letters_by_state": {"queued": 14, "sent": 810},
                    "letters_by_channel": {"email": 824},
                    "by_recipient": [
                        {
                            "recipient_id": "rcp_01JD3ZK8Y2M0000000000000000",
                            "name": "Lena Metlege Diab",
                            "district": "Halifax West",
                            "letters": 412,
                            "sent": 405,
                        }
                    ],
                    "by_riding": [{"district": "Halifax West", "letters": 420, "sent": 413}],
                    "sources": {"api": 12, "page": 400},
                    "utm_campaigns": {"stca-week": 230, "giving-tuesday": 41},
                    "utm_sources": {"newsletter": 198, "facebook": 73},
                    "embedding_sites": {"https://partner.example.org": 120},
                }
            ]
        }
    )

    campaign_id: str
    slug: str
    actions: int = Field(description="Actions taken here (the page's counter offset aside).")
    goal: int | None
    progress: float | None = Field(description="Actions over the goal; null with no goal.")
    confirmed: int = Field(description="Actions whose supporter confirmed their address.")
    assisted: int = Field(
        0,
        description="Actions an advocate entered for an attendee at a letter-writing event "
        "(counted in `actions` like any other).",
    )
    confirmed_share: float | None = Field(description="Confirmed over actions.")
    actions_per_day: list[DayCount]
    letters_by_state: dict[str, int]
    letters_by_channel: dict[str, int]
    by_recipient: list[RecipientResult] = Field(description="Most letters first.")
    by_riding: list[RidingResult] = Field(
        description="Letters by the riding of the official who received them (a minister "
        "who is an MP counts in her riding); most letters first."
    )
    sources: dict[str, int] = Field(
        description="Actions by where they came from: `api`, `key`, `page` (the action "
        "page or its embed)."
    )
    utm_campaigns: dict[str, int] = Field(
        description="Actions by the `utm_campaign` of the link they came by, most first "
        "(at most 20; actions without one are not counted here)."
    )
    utm_sources: dict[str, int] = Field(
        description="Actions by the `utm_source` of the link they came by, as above."
    )
    embedding_sites: dict[str, int] = Field(
        description="Actions taken on the embedded page, by the origin of the site that "
        "framed it, most first (at most 20; where it is not known, not counted here)."
    )


LetterStatus = Literal[
    "pending_confirmation", "queued", "sending", "sent", "failed", "batched", "printed",
    "mailed", "cancelled", "expired", "held_for_review", "bounced",
]  # fmt: skip


class AttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    started_at: datetime
    finished_at: datetime
    outcome: Literal["sent", "retry", "failed"]
    error: str | None


class LetterSummary(BaseModel):
    id: str
    campaign_id: str
    campaign: str = Field(description="The campaign's slug.")
    action_id: str
    recipient_id: str | None
    recipient_name: str
    channel: Literal["email", "print"]
    status: LetterStatus
    language: Literal["en", "fr"]
    subject: str
    created_at: datetime
    updated_at: datetime = Field(description="When its status (or anything in it) last changed.")
    sent_at: datetime | None
    failed_reason: str | None
    scrubbed_at: datetime | None = Field(
        description="When the supporter's personal data in it was erased (on request, or "
        'after the retention period): its text then reads "redacted".'
    )
    role_target: str | None = Field(
        None, description="The campaign's role it was written to: it goes to whoever holds it."
    )
    held_reason: str | None = Field(
        None, description="Why it is held for review (the role changed hands, or is vacant)."
    )
    readdressed_from: dict[str, Any] | None = Field(
        None,
        description="Whom it was addressed to before the role changed hands (`recipient_id`, "
        "`display_name`), and when it was re-addressed (`at`).",
    )
    hold_until: datetime | None = Field(
        None,
        description="The campaign's hold window (`hold_minutes`): a `queued` letter leaves "
        "no earlier, and its supporter may stop it until then. Null: no window.",
        examples=["2026-11-29T05:05:00Z"],
    )


class LetterDetail(LetterSummary):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                SUMMARY_EXAMPLE
                | {
                    "recipient": {
                        "display_name": "The Honourable Marc Miller, P.C., M.P.",
                        "email": "marc.miller@parl.gc.ca",
                    },
                    "salutation": "Monsieur le Ministre,",
                    "body_text": LETTER_EXAMPLE["body_text"],
                    "body_html": "<p>Monsieur le Ministre,</p><p>Je suis infirmière...</p>",
                    "content_hash": "9f2c0d7e4b1a",
                    "attempts": [
                        {
                            "started_at": "2026-11-29T05:00:02Z",
                            "finished_at": "2026-11-29T05:00:03Z",
                            "outcome": "sent",
                            "error": None,
                        }
                    ],
                    "next_attempt_at": None,
                }
            ]
        }
    )

    recipient: dict[str, Any] = Field(description="The recipient as the letter addressed them.")
    salutation: str
    body_text: str
    body_html: str
    content_hash: str
    attempts: list[AttemptOut]
    next_attempt_at: datetime | None


class LetterList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [SUMMARY_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[LetterSummary]


class Confirmation(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "confirmed", "letters_queued": 2}]}
    )

    status: Literal["confirmed"] = "confirmed"
    letters_queued: int = Field(description="Letters this confirmation sent on their way.")


def summary_fields(letter: "Letter", campaign_slug: str) -> dict[str, Any]:
    """A letter's fields as `LetterSummary` (and `LetterDetail`) show them."""
    return {
        "id": letter.id,
        "campaign_id": letter.campaign_id,
        "campaign": campaign_slug,
        "action_id": letter.action_id,
        "recipient_id": letter.recipient_id,
        "recipient_name": str(letter.recipient.get("display_name") or ""),
        "channel": letter.channel,
        "status": letter.status,
        "language": letter.language,
        "subject": letter.subject,
        "created_at": letter.created_at,
        "updated_at": letter.updated_at,
        "sent_at": letter.sent_at,
        "failed_reason": letter.failed_reason,
        "scrubbed_at": letter.scrubbed_at,
        "role_target": letter.role_target,
        "held_reason": letter.held_reason,
        "readdressed_from": letter.readdressed_from,
        "hold_until": letter.hold_until,
    }
