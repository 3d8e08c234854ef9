from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.auth.scopes import Scope
from app.fields import SingleLine


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: SingleLine
    scopes: list[Scope] = Field(min_length=1)


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="The key itself. It is shown this once and never again.")


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]
    next_cursor: str | None = None
