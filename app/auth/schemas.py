from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.auth.scopes import Scope
from app.fields import OptionalOrganisationName, SingleLine
from app.pagination import PAGE_EXAMPLE, PageOut
from app.rate_limits import Limit


def _reads_as_a_limit(text: str) -> str:
    Limit.parse(text)  # its ValueError is the 422's message
    return text


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


ORGANISATION_EXAMPLE: dict[str, Any] = {
    "id": "org_01JD3ZK8Y2M0000000000000000",
    "name": "Amnesty International Canada (francophone)",
    "email_name": "Amnistie internationale",
    "name_in_email": "Amnistie internationale",
    "created_at": "2026-11-29T05:00:00Z",
}


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
    created_at: datetime


class OrganisationUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"email_name": "Amnistie internationale"}]},
    )

    email_name: OptionalOrganisationName = Field(
        description="The name emails show (up to 200 characters); null or blank: its `name`."
    )
