from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.directory.models import Recipient
from app.fields import (
    OptionalCode,
    OptionalEmail,
    OptionalPostalCode,
    OptionalProvince,
    OptionalShortLine,
    OptionalSingleLine,
    SingleLine,
    normalise_postal_prefix,
)
from app.pagination import PAGE_EXAMPLE, PageOut


def has_a_name(first_name: str | None, last_name: str | None, display_name: str | None) -> bool:
    """Every recipient must be nameable in a letter: by display name, or by first or
    last name."""
    return bool(display_name or first_name or last_name)


NAMELESS = "a recipient needs a display_name, first_name or last_name"


def name_of(first_name: str | None, last_name: str | None) -> str:
    return " ".join(part for part in (first_name, last_name) if part)


Language = Literal["en", "fr"]

RECIPIENT_EXAMPLE: dict[str, Any] = {
    "external_id": "88384",
    "honorific": "The Honourable",
    "first_name": "Mélanie",
    "last_name": "Joly",
    "post_nominals": "P.C., M.P.",
    "language": "fr",
    "party": "Liberal",
    "elected_office": "MP",
    "district": {"code": None, "name": "Ahuntsic-Cartierville", "province": "QC"},
    "email": "melanie.joly@parl.gc.ca",
    "phone": "613-992-0983",
    "addresses": [
        {
            "kind": "legislature",
            "lines": ["House of Commons"],
            "city": "Ottawa",
            "province": "ON",
            "postal_code": "K1A 0A6",
            "phone": None,
            "fax": None,
        }
    ],
    "roles": [
        {
            "title_en": "Minister of Foreign Affairs",
            "title_fr": "ministre des Affaires étrangères",
            "start_date": "2021-10-26",
            "end_date": None,
        }
    ],
    "salutation_override": None,
    "salutation_override_fr": None,
    "gender": "female",
    "delivery_preference": "daily_digest",
}
RECIPIENT_OUT_EXAMPLE = RECIPIENT_EXAMPLE | {
    "id": "rcp_01JD3ZK8Y2M0000000000000000",
    "display_name": "Mélanie Joly",
    "photo_url": None,
    "source": None,
    "locked_fields": [],
    "retired": False,
    "created_at": "2026-11-29T14:03:11Z",
}
MP_EXAMPLE = RECIPIENT_OUT_EXAMPLE | {
    "id": "rcp_01JD3ZK8Y2M0000000000000001",
    "external_id": "89156",
    "honorific": None,
    "first_name": "Ziad",
    "last_name": "Aboultaif",
    "display_name": "Ziad Aboultaif",
    "post_nominals": "M.P.",
    "language": None,
    "party": "Conservative",
    "district": {"code": None, "name": "Edmonton Manning", "province": "AB"},
    "email": "ziad.aboultaif@parl.gc.ca",
    "phone": None,
    "roles": [],
    "gender": None,
    "delivery_preference": "email",
}


# Literals, not enums: they validate and serialise in pydantic's core, not in Python.
AddressKind = Literal["legislature", "constituency"]
Gender = Literal["female", "male"]
DeliveryPreference = Literal["email", "daily_digest", "print_only"]
DELIVERY_PREFERENCE_DESCRIPTION = (
    "How the office takes its letters: `email`, each letter its own email (the default); "
    "`daily_digest`, one email a day per address with every letter due, a manifest first "
    "(see the README); `print_only`, every letter printed and posted, whatever the "
    "campaign's channels. It applies to letters written after it is set; `null` sets "
    "`email` again."
)


Phone = Annotated[OptionalCode, Field(description="As published, e.g. 613-992-0983.")]


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AddressKind
    lines: list[SingleLine] = Field(min_length=1, max_length=6, examples=[["House of Commons"]])
    city: SingleLine
    province: OptionalProvince = None
    postal_code: OptionalPostalCode = None
    phone: Phone = None
    fax: Phone = None
    email: OptionalEmail = Field(
        None,
        description="The office's own email address, where it has one (a constituency "
        "office's): a campaign's `on_bounce` may write there when the recipient's `email` "
        "sends a letter back.",
        examples=["marc.miller.c1@parl.gc.ca"],
    )


class Role(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    title_en: SingleLine
    title_fr: OptionalSingleLine = None
    start_date: date | None = None
    end_date: date | None = None

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> "Role":
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class District(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: OptionalCode = None
    name: OptionalSingleLine = None
    province: OptionalProvince = None


ExternalId = Annotated[SingleLine, StringConstraints(max_length=200)]


def _web_address(value: str) -> str:
    """An http(s) address with a host: a photo is shown on pages, so nothing else
    (javascript:, data:) gets in."""
    scheme, _, rest = value.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest[0] in "/?#":
        raise ValueError("must be an http or https address")
    return value


OptionalWebAddress = Annotated[
    Annotated[SingleLine, StringConstraints(max_length=500), AfterValidator(_web_address)] | None,
    BeforeValidator(lambda value: None if value == "" else value),
]


class RecipientFields(BaseModel):
    """The fields a client writes. On PATCH and on import only the fields present are
    applied: a source that does not carry roles leaves the roles held as they are."""

    model_config = ConfigDict(extra="forbid")

    external_id: ExternalId | None = Field(None, examples=["88384"])
    honorific: OptionalShortLine = Field(None, examples=["The Honourable"])
    first_name: OptionalSingleLine = Field(None, examples=["Mélanie"])
    last_name: OptionalSingleLine = Field(None, examples=["Joly"])
    display_name: OptionalSingleLine = Field(
        None, description="Defaults to first and last name.", examples=["Mélanie Joly"]
    )
    post_nominals: OptionalShortLine = Field(None, examples=["P.C., M.P."])
    language: Language | None = None
    party: OptionalSingleLine = Field(None, examples=["Liberal"])
    elected_office: OptionalShortLine = Field(None, examples=["MP"])
    district: District | None = None
    email: OptionalEmail = None
    phone: Phone = None
    addresses: list[Address] | None = Field(None, max_length=20)
    roles: list[Role] | None = Field(None, max_length=50)
    salutation_override: OptionalSingleLine = Field(
        None,
        description="The salutation of English letters, instead of the form of address "
        "(salutation_override_fr is the French letters').",
        examples=["Dear Minister Joly:"],
    )
    salutation_override_fr: OptionalSingleLine = Field(
        None,
        description="The salutation of French letters, instead of the form of address; the "
        "French closing repeats it.",
        examples=["Madame la Ministre,"],
    )
    gender: Gender | None = Field(
        None,
        description='Set only to have letters use gendered forms of address ("Madame la '
        'Ministre", "Ms."); without it they use neutral ones.',
    )
    delivery_preference: DeliveryPreference | None = Field(
        None, description=DELIVERY_PREFERENCE_DESCRIPTION, examples=["daily_digest"]
    )
    photo_url: OptionalWebAddress = Field(
        None,
        examples=[
            "https://www.ourcommons.ca/Content/Parliamentarians/Images/OfficialMPPhotos/45/"
            "AboultaifZiad_CPC.jpg"
        ],
    )


# The fields a sync may overwrite, and so the fields an organisation can lock against it.
LOCKABLE_FIELDS = tuple(name for name in RecipientFields.model_fields if name != "external_id")
LockableField = Literal[LOCKABLE_FIELDS]  # type: ignore[valid-type]


class RecipientCreate(RecipientFields):
    model_config = ConfigDict(json_schema_extra={"examples": [RECIPIENT_EXAMPLE]})

    @model_validator(mode="after")
    def _has_a_name(self) -> "RecipientCreate":
        if not has_a_name(self.first_name, self.last_name, self.display_name):
            raise ValueError(NAMELESS)
        return self


class RecipientUpdate(RecipientFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"party": "Liberal", "email": "melanie.joly@parl.gc.ca"},
                {"roles": [{"title_en": "Minister of Foreign Affairs", "end_date": "2025-03-14"}]},
                {"locked_fields": []},
                {"delivery_preference": "print_only"},
            ]
        }
    )

    locked_fields: list[LockableField] | None = Field(
        None,
        description="The fields syncs leave alone. Every field a PATCH sets is locked; send "
        "this to say the set yourself (`[]` lets syncs update every field again).",
    )


class RecipientOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [RECIPIENT_OUT_EXAMPLE]})

    id: str = Field(examples=["rcp_01JD3ZK8Y2M0000000000000000"])
    external_id: str | None
    honorific: str | None
    first_name: str | None
    last_name: str | None
    display_name: str
    post_nominals: str | None
    language: Language | None
    party: str | None
    elected_office: str | None
    district: District
    email: str | None
    phone: str | None
    addresses: list[Address]
    roles: list[Role]
    salutation_override: str | None
    salutation_override_fr: str | None
    gender: Gender | None
    delivery_preference: DeliveryPreference = Field(description=DELIVERY_PREFERENCE_DESCRIPTION)
    photo_url: str | None
    source: str | None = Field(description="The source syncs keep this recipient in step with.")
    locked_fields: list[str] = Field(description="Fields syncs leave alone (edited by hand).")
    retired: bool
    created_at: datetime = Field(description="When the recipient was added.")


class RecipientList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [RECIPIENT_OUT_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[RecipientOut]


class ImportCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0


class ImportResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dry_run": False,
                    "complete": True,
                    "rows": 337,
                    "counts": {"created": 2, "updated": 1, "unchanged": 334, "retired": 0},
                    "created": ["88384", "89010"],
                    "updated": ["25446"],
                    "retired": [],
                }
            ]
        }
    )

    dry_run: bool
    complete: bool
    rows: int
    counts: ImportCounts
    created: list[str] = Field(description="External ids, at most 100 of each.")
    updated: list[str]
    retired: list[str]


def recipient_out(recipient: Recipient, *, with_roles: bool = True) -> RecipientOut:
    return RecipientOut(
        id=recipient.id,
        external_id=recipient.external_id,
        honorific=recipient.honorific,
        first_name=recipient.first_name,
        last_name=recipient.last_name,
        display_name=recipient.display_name or name_of(recipient.first_name, recipient.last_name),
        post_nominals=recipient.post_nominals,
        language=recipient.language,
        party=recipient.party,
        elected_office=recipient.elected_office,
        district=District.model_construct(
            code=recipient.district_code,
            name=recipient.district_name,
            province=recipient.district_province,
        ),
        email=recipient.email,
        phone=recipient.phone,
        addresses=[Address.model_validate(address) for address in recipient.addresses],
        roles=[Role.model_validate(role) for role in recipient.roles] if with_roles else [],
        salutation_override=recipient.salutation_override,
        salutation_override_fr=recipient.salutation_override_fr,
        gender=recipient.gender,
        delivery_preference=recipient.delivery_preference or "email",
        photo_url=recipient.photo_url,
        source=recipient.source,
        locked_fields=list(recipient.locked_fields or []),
        retired=recipient.retired_at is not None,
        created_at=recipient.created_at,
    )


class DistrictWithRepresentatives(BaseModel):
    name: str
    code: str | None
    province: str | None
    approximate: bool = Field(
        False,
        description="Found from the postal code's first three characters only: a hint "
        "for the supporter to confirm, not an answer.",
    )
    representatives: list[RecipientOut]


class DistrictChoices(BaseModel):
    """Districts to choose from by name, or by their representative's name: for a postal
    code no table knows."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "q": "edmonton man",
                    "districts": [
                        {
                            "name": "Edmonton Manning",
                            "code": "48018",
                            "province": "AB",
                            "approximate": False,
                            "representatives": [MP_EXAMPLE],
                        }
                    ],
                }
            ]
        }
    )

    q: str
    districts: list[DistrictWithRepresentatives]


class DistrictLookup(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "postal_code": "T5A 1B7",
                    "provider": "table",
                    "ambiguous": False,
                    "districts": [
                        {
                            "name": "Edmonton Manning",
                            "code": None,
                            "province": "AB",
                            "representatives": [MP_EXAMPLE],
                        }
                    ],
                }
            ]
        }
    )

    postal_code: str = Field(examples=["K1A 0A6"])
    provider: str = Field(examples=["table"])
    ambiguous: bool = Field(
        description="True when the postal code straddles districts: every candidate is given."
    )
    approximate: bool = Field(
        False,
        description="True when the districts were found from the first three characters "
        "only (an approximate table): the supporter should confirm theirs.",
    )
    districts: list[DistrictWithRepresentatives]


class PostalCodeEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    postal_code: Annotated[str, AfterValidator(normalise_postal_prefix)] = Field(
        description="A whole postal code (K1A 0A6) or its first characters (K1A).",
        examples=["K1A"],
    )
    district_name: SingleLine
    district_code: OptionalCode = None
    province: OptionalProvince = None


class PostalCodeImportResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"rows": 1250, "replaced": 1248, "unchanged": False}]}
    )

    rows: int
    replaced: int = Field(description="How many entries the table held before.")
    unchanged: bool = Field(description="The table already held exactly these entries.")


class RecipientChange(BaseModel):
    external_id: str
    name: str
    fields: list[str] = Field(
        default_factory=list, description="For an update: the fields that change."
    )


class RoleChange(BaseModel):
    external_id: str
    name: str
    title_en: str
    title_fr: str | None = None
    start_date: date | None = None
    end_date: date | None = None


class DataProblem(BaseModel):
    """Something in a source that letters cannot be addressed by without a guess."""

    kind: Literal["role_held_twice"]
    detail: str
    title_en: str
    holders: list[str] = Field(description="External ids of those said to hold it.")


class SyncDiff(BaseModel):
    created: list[RecipientChange] = Field(default_factory=list)
    updated: list[RecipientChange] = Field(default_factory=list)
    retired: list[RecipientChange] = Field(default_factory=list)
    roles_started: list[RoleChange] = Field(default_factory=list)
    roles_ended: list[RoleChange] = Field(default_factory=list)


class SyncCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    roles_started: int = 0
    roles_ended: int = 0


SYNC_EXAMPLE: dict[str, Any] = {
    "id": "syn_01JD3ZK8Y2M0000000000000000",
    "source": "house-of-commons",
    "url": "https://www.ourcommons.ca/Members/en/search/XML",
    "dry_run": False,
    "applied": True,
    "forced": False,
    "stopped": None,
    "rows": 343,
    "counts": {
        "created": 0,
        "updated": 1,
        "unchanged": 342,
        "retired": 0,
        "roles_started": 1,
        "roles_ended": 1,
    },
    "diff": {
        "created": [],
        "updated": [{"external_id": "105120", "name": "Anita Anand", "fields": ["roles"]}],
        "retired": [],
        "roles_started": [
            {
                "external_id": "105120",
                "name": "Anita Anand",
                "title_en": "Minister of Foreign Affairs",
                "title_fr": "Ministre des Affaires étrangères",
                "start_date": "2025-05-13",
                "end_date": None,
            }
        ],
        "roles_ended": [],
    },
    "problems": [],
    "newest_fact": "2026-07-24",
}


class SyncReport(BaseModel):
    """What a sync found and did. The diff lists at most 500 of each kind; counts are
    whole."""

    model_config = ConfigDict(json_schema_extra={"examples": [SYNC_EXAMPLE]})

    id: str | None = Field(description="The sync's record; None for a dry run or a stop.")
    source: str
    url: str | None
    dry_run: bool
    applied: bool
    forced: bool
    stopped: str | None = Field(
        description="Why the sync stopped without changing anything (the retirement guard)."
    )
    rows: int
    counts: SyncCounts
    diff: SyncDiff
    problems: list[DataProblem]
    newest_fact: date | None


class SourceStatus(BaseModel):
    source: str
    url: str | None
    last_synced_at: datetime | None
    requested_by: str | None
    recipients: int = Field(description="Recipients in this source, retired ones aside.")
    newest_fact: date | None = Field(description="The newest date the source's data states.")
    newest_fact_age_days: int | None
    problems: list[DataProblem]


class DirectoryStatus(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "sources": [
                        {
                            "source": "demo",
                            "url": "file:house-of-commons-members-2025.json",
                            "last_synced_at": "2026-11-30T07:00:00Z",
                            "requested_by": "letterdesk demo",
                            "recipients": 343,
                            "newest_fact": "2026-07-24",
                            "newest_fact_age_days": 129,
                            "problems": [],
                        }
                    ],
                    "recipients_without_source": 0,
                }
            ]
        }
    )

    sources: list[SourceStatus]
    recipients_without_source: int = Field(
        description="Recipients written by hand or by file import, outside any sync."
    )


class SyncRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"source": "house-of-commons", "dry_run": True},
                {"source": "represent:ontario-legislature"},
                {"source": "house-of-commons", "force": True},
            ]
        },
    )

    source: Annotated[str, StringConstraints(max_length=120)] = Field(
        description="`house-of-commons` (ourcommons.ca open data) or `represent:<set>` "
        "(a Represent representative set, e.g. `represent:ontario-legislature`)."
    )
    dry_run: bool = Field(False, description="Answer the diff; change nothing.")
    force: bool = Field(
        False, description="Apply even a sync that retires more than the allowed share."
    )
