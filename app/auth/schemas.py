from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.auth.scopes import Scope
from app.fields import (
    OptionalEmail,
    OptionalOrganisationName,
    OptionalSingleLine,
    OrganisationName,
    SingleLine,
    reject_control_characters,
)
from app.links import LabelledLink, OptionalHexColour, OptionalHttpsUrl
from app.pagination import PAGE_EXAMPLE, PageOut
from app.rate_limits import Limit


def _reads_as_a_limit(text: str) -> str:
    Limit.parse(text)  # its ValueError is the 422's message
    return text


ConsentText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=10, max_length=500),
    AfterValidator(reject_control_characters),
]
ActionLimit = Annotated[
    str, StringConstraints(max_length=40, strip_whitespace=True), AfterValidator(_reads_as_a_limit)
]

KEY_EXAMPLE: dict[str, Any] = {
    "id": "key_01JD3ZK8Y2M0000000000000000",
    "name": "website",
    "prefix": "ld_AbCd1234",
    "scopes": ["campaigns:read", "letters:read"],
    "action_limit": None,
    "created_at": "2026-11-29T05:00:00Z",
    "revoked_at": None,
}


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "website", "scopes": ["campaigns:read"]}]},
    )

    name: SingleLine
    scopes: list[Scope] = Field(min_length=1)
    action_limit: ActionLimit | None = Field(
        None,
        description="How many actions may be submitted with this key, such as "
        "`600/minute` or `20/10minutes`; the server's `LETTERDESK_RATE_LIMIT_ACTIONS_PER_KEY` "
        "when left out. It counts only where the key grants `actions:write`.",
        examples=["600/minute"],
    )


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [KEY_EXAMPLE]})

    id: str
    name: str
    prefix: str
    scopes: list[str]
    action_limit: str | None = Field(
        description="Its own limit on actions; null: the server's default."
    )
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [KEY_EXAMPLE | {"key": "ld_AbCd1234" + "x" * 35}]}
    )

    key: str = Field(description="The key itself. It is shown this once and never again.")


class ApiKeyList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [KEY_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[ApiKeyOut]


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: list[Day] = ["mon", "tue", "wed", "thu", "fri"]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
OFFICE_HOURS_EXAMPLE: dict[str, Any] = {
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "opens": "09:00",
    "closes": "17:00",
}


class OfficeHours(BaseModel):
    """When offices are written to, each in its own time zone (that of its recipient's
    province); the fields left out take these defaults."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [OFFICE_HOURS_EXAMPLE]}
    )

    days: list[Day] = Field(
        default_factory=lambda: list(WEEKDAYS),
        min_length=1,
        max_length=7,
        description="The days offices are open; Monday to Friday when left out.",
    )
    opens: ClockTime = Field("09:00", description="Opening time, HH:MM in the office's zone.")
    closes: ClockTime = Field("17:00", description="Closing time, HH:MM, after `opens`.")

    @model_validator(mode="after")
    def _closes_after_opening(self) -> "OfficeHours":
        if self.closes <= self.opens:
            raise ValueError("`closes` must be later than `opens` (HH:MM, the same day)")
        if len(set(self.days)) != len(self.days):
            raise ValueError("each day is named once in `days`")
        return self


IDENTITY_EXAMPLE: dict[str, Any] = {
    "logo_url": "https://amnistie.ca/logo.png",
    "brand_colour": "#ffff00",
    "privacy_url": "https://amnistie.ca/confidentialite",
    "contact_email": "info@amnistie.ca",
    "contact_address": "50, rue Ste-Catherine Ouest, bureau 500, Montréal QC H2X 3V4",
    "consent_text": {
        "fr": "Oui, Amnistie internationale peut m'écrire au sujet de ses campagnes. Je peux "
        "me désabonner en tout temps."
    },
    "next_action": {
        "label": {"en": "Sign our petition", "fr": "Signez notre pétition"},
        "url": "https://amnistie.ca/petition",
    },
}
ORGANISATION_EXAMPLE: dict[str, Any] = {
    "id": "org_01JD3ZK8Y2M0000000000000000",
    "name": "Amnesty International Canada (francophone)",
    "email_name": "Amnistie internationale",
    "name_in_email": "Amnistie internationale",
    **IDENTITY_EXAMPLE,
    "office_hours": OFFICE_HOURS_EXAMPLE,
    "created_at": "2026-11-29T05:00:00Z",
}
LOGO = (
    "An https address of the organisation's logo (PNG, JPEG, GIF or WebP: the page shows "
    "it as an image, so an SVG's scripts never run), shown in the page's header."
)
BRAND_COLOUR = (
    "The header's and the Send button's colour; their text is black or white, whichever "
    "contrasts more (always at least 4.5:1)."
)
PRIVACY = "An https address of its privacy policy, linked beside the consent question."
CONTACT_EMAIL = "Where supporters write to it: shown with the consent question and in emails."
CONTACT_ADDRESS = (
    "Its mailing address, one line: Canada's anti-spam law (CASL) asks that a request for "
    "consent give one. Shown with the consent question, in the footer and in emails."
)
CONSENT = (
    'The consent question per language; where a language has none: "Yes, <name> may '
    'email me about its campaigns. I can unsubscribe at any time."'
)
OFFICE_HOURS = (
    "Letters reach offices by email only in these hours, read in each office's time zone "
    "(its recipient's province's); outside them they wait, queued, and the supporter's "
    "letters page says so. Null: at any hour. Send `{}` for Monday to Friday, 09:00 to 17:00."
)
NEXT_ACTION = (
    "What a closed campaign's page offers instead (and a thank-you page whose campaign "
    "names no next action)."
)


class OrganisationOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [ORGANISATION_EXAMPLE]}
    )

    id: str
    name: str
    email_name: str | None = Field(
        description="The name the organisation's emails show; null: its `name`."
    )
    name_in_email: str = Field(
        description='What emails show: "Amélie Tremblay via <name_in_email>".'
    )
    logo_url: str | None = Field(description=LOGO)
    brand_colour: str | None = Field(description=BRAND_COLOUR)
    privacy_url: str | None = Field(description=PRIVACY)
    contact_email: str | None = Field(description=CONTACT_EMAIL)
    contact_address: str | None = Field(description=CONTACT_ADDRESS)
    consent_text: dict[str, str] = Field(description=CONSENT)
    next_action: LabelledLink | None = Field(description=NEXT_ACTION)
    office_hours: OfficeHours | None = Field(description=OFFICE_HOURS)
    created_at: datetime


class OrganisationUpdate(BaseModel):
    """The fields sent are changed; null or blank clears one."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"email_name": "Amnistie internationale"},
                {"name": "Amnesty International Canada (francophone)"},
                IDENTITY_EXAMPLE,
                {"office_hours": OFFICE_HOURS_EXAMPLE},
            ]
        },
    )

    name: OrganisationName | None = Field(
        None,
        description="The organisation's own name (1 to 200 characters, one line), unique "
        "among the service's organisations: 409 when another has it. It cannot be "
        "cleared. The CLI's `--org` finds the organisation by this name, or by its id.",
    )
    email_name: OptionalOrganisationName = Field(
        None, description="The name emails show (up to 200 characters); null or blank: its `name`."
    )
    logo_url: OptionalHttpsUrl = Field(None, description=LOGO)
    brand_colour: OptionalHexColour = Field(None, description=BRAND_COLOUR)
    privacy_url: OptionalHttpsUrl = Field(None, description=PRIVACY)
    contact_email: OptionalEmail = Field(None, description=CONTACT_EMAIL)
    contact_address: OptionalSingleLine = Field(None, description=CONTACT_ADDRESS)
    consent_text: dict[Literal["en", "fr"], ConsentText] | None = Field(None, description=CONSENT)
    next_action: LabelledLink | None = Field(None, description=NEXT_ACTION)
    office_hours: OfficeHours | None = Field(None, description=OFFICE_HOURS)

    @field_validator("name")
    @classmethod
    def _name_is_kept(cls, value: str | None) -> str:
        # Runs only when `name` is sent: left out, it is not changed.
        if value is None:
            raise ValueError("an organisation always has a name: it cannot be cleared")
        return value
