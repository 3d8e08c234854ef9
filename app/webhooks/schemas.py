from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.fields import OptionalSingleLine
from app.pagination import PAGE_EXAMPLE, PageOut

EventType = Literal[
    "action.created",
    "letter.sent",
    "letter.failed",
    "letter.printed",
    "letter.cancelled",
    "print_batch.ready",
    "directory.synced",
    "letter.readdressed",
    "letter.held",
    "letter.bounced",
    "letter.replied",
]
# Events whose data holds a supporter's personal data: a key subscribing to them must
# also grant constituents:read, as reading those data through the API does.
PERSONAL_EVENTS: frozenset[EventType] = frozenset({"action.created"})

WEBHOOK_EXAMPLE: dict[str, Any] = {
    "id": "whk_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
    "url": "https://crm.example.org/letterdesk/events",
    "events": ["action.created", "letter.sent"],
    "description": "Our CRM",
    "created_at": "2026-11-29T05:00:00Z",
    "previous_secret_expires_at": None,
}
DELIVERY_EXAMPLE: dict[str, Any] = {
    "id": "wdl_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
    "event_id": "evt_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
    "event_type": "letter.sent",
    "status": "delivered",
    "created_at": "2026-11-29T05:00:04Z",
    "delivered_at": "2026-11-29T05:00:05Z",
    "next_attempt_at": None,
    "attempts": [
        {
            "started_at": "2026-11-29T05:00:05Z",
            "duration_ms": 38,
            "status_code": 200,
            "outcome": "delivered",
            "error": None,
            "response_body": "ok",
        }
    ],
}

WebhookUrl = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://crm.example.org/letterdesk/events",
                    "events": ["letter.sent", "letter.failed"],
                    "description": "Our CRM",
                }
            ]
        },
    )

    url: WebhookUrl = Field(
        description="Where events are POSTed: http or https, reachable on the internet.",
        examples=["https://crm.example.org/letterdesk/events"],
    )
    events: list[EventType] = Field(min_length=1, examples=[["letter.sent", "letter.failed"]])
    description: OptionalSingleLine = None


class WebhookOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [WEBHOOK_EXAMPLE]}
    )

    id: str = Field(examples=["whk_01JDQ9X5V6W7Y8Z9A0B1C2D3E4"])
    url: str
    events: list[EventType]
    description: str | None
    created_at: datetime
    previous_secret_expires_at: datetime | None = Field(
        description="While a rotated secret still signs deliveries (beside the new one)."
    )


class WebhookCreated(WebhookOut):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                WEBHOOK_EXAMPLE | {"secret": "whsec_2bN0mQe6sJx4pY1vT8kR3wLz9aHc5dFg7uVo0iE2yXs"}
            ]
        }
    )

    secret: str = Field(
        description="The signing secret (`whsec_...`). It is shown this once and never again.",
        examples=["whsec_2bN0mQe6sJx4pY1vT8kR3wLz9aHc5dFg7uVo0iE2yXs"],
    )


class WebhookList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [WEBHOOK_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[WebhookOut]


class WebhookAttemptOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    started_at: datetime
    duration_ms: int
    status_code: int | None = Field(description="The receiver's HTTP status, if it answered.")
    outcome: Literal["delivered", "retry", "failed"]
    error: str | None
    response_body: str | None = Field(description="The start of what the receiver answered.")


class WebhookDeliveryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [DELIVERY_EXAMPLE]})

    id: str
    event_id: str
    event_type: EventType
    status: Literal["pending", "delivered", "failed", "cancelled"]
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    attempts: list[WebhookAttemptOut]


class WebhookDeliveryList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [DELIVERY_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[WebhookDeliveryOut]
