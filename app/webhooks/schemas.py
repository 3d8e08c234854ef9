from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.fields import OptionalSingleLine
from app.pagination import PAGE_EXAMPLE, PageOut

EventType = Literal[
    "action.created",
    "letter.sent",
    "letter.failed",
    "letter.printed",
    "letter.mailed",
    "letter.cancelled",
    "print_batch.ready",
    "directory.synced",
    "letter.readdressed",
    "letter.held",
    "letter.bounced",
    "letter.replied",
    "action.confirmed",
    "supporter.erased",
]
# What a delivery can carry: the events subscribed to, and the test event, which is sent
# to one webhook when it is asked for (`POST /v1/webhooks/{id}/test`).
SentEventType = Literal[EventType, "webhook.test"]
DeliveryStatus = Literal["pending", "delivered", "failed", "cancelled"]
# Events whose data holds a supporter's personal data: a key subscribing to them must
# also grant constituents:read, as reading those data through the API does.
PERSONAL_EVENTS: frozenset[EventType] = frozenset({"action.created"})

WEBHOOK_EXAMPLE: dict[str, Any] = {
    "id": "whk_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
    "url": "https://crm.example.org/letterdesk/events",
    "events": ["action.created", "letter.sent"],
    "description": "Our CRM",
    "active": True,
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
    "redelivery_of": None,
    "request_body": '{"id":"evt_01JDQ9X5V6W7Y8Z9A0B1C2D3E4","type":"letter.sent",'
    '"created_at":"2026-11-29T05:00:04Z","data":{"id":"ltr_01JDQ9X5V6W7Y8Z9A0B1C2D3E4"}}',
    "attempts": [
        {
            "started_at": "2026-11-29T05:00:05Z",
            "duration_ms": 38,
            "request_headers": {
                "Host": "crm.example.org",
                "Content-Type": "application/json",
                "User-Agent": "letterdesk-webhooks/1",
                "Accept-Encoding": "identity",
                "Letterdesk-Event-Id": "evt_01JDQ9X5V6W7Y8Z9A0B1C2D3E4",
                "Letterdesk-Event-Type": "letter.sent",
                "Letterdesk-Signature": "t=1764392405,v1=(not kept)",
            },
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


NOT_NULL = ("url", "events", "active")


def _update_schema(schema: dict[str, Any]) -> None:
    """Left out means unchanged, and null is refused (`_not_null`): the document does not
    offer null for these."""
    for name in NOT_NULL:
        field = schema["properties"][name]
        (given,) = [option for option in field.pop("anyOf") if option.get("type") != "null"]
        field.update(given)
    schema["examples"] = [
        {"events": ["letter.sent", "letter.failed", "action.confirmed"]},
        {"url": "https://crm.example.org/letterdesk/v2/events"},
        {"active": False},
    ]


class WebhookUpdate(BaseModel):
    """What to change of a webhook; what the body leaves out stays as it is. The secret
    does not change here (`POST /v1/webhooks/{id}/rotate-secret` does that)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_update_schema)

    url: WebhookUrl | None = Field(
        None,
        description="Where events are POSTed from now on (checked as when it was made).",
        examples=["https://crm.example.org/letterdesk/v2/events"],
    )
    events: list[EventType] | None = Field(
        None, min_length=1, description="The events it wants from now on (all of them)."
    )
    description: OptionalSingleLine = None
    active: bool | None = Field(
        None,
        description="`false` pauses the webhook: nothing is sent to it, and what it had "
        "pending is cancelled (its log keeps them; redeliver what you need once it is active "
        "again). `true` resumes it for the events that happen from then on.",
    )

    @field_validator(*NOT_NULL)
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Only a value given is checked: null would mean "none", which these cannot be.
        if value is None:
            raise ValueError("cannot be null: leave it out to keep it as it is")
        return value


class WebhookOut(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [WEBHOOK_EXAMPLE]}
    )

    id: str = Field(examples=["whk_01JDQ9X5V6W7Y8Z9A0B1C2D3E4"])
    url: str
    events: list[EventType]
    description: str | None
    active: bool = Field(description="`false` while paused: nothing is sent to it.")
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
    request_headers: dict[str, str] | None = Field(
        description="The headers sent with the body; the signature's digests are left out "
        "(`v1=(not kept)`). None for attempts made before they were kept."
    )
    status_code: int | None = Field(description="The receiver's HTTP status, if it answered.")
    outcome: Literal["delivered", "retry", "failed"]
    error: str | None
    response_body: str | None = Field(
        description="The start of what the receiver answered (its first kilobyte)."
    )


class WebhookDeliveryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [DELIVERY_EXAMPLE]})

    id: str
    event_id: str
    event_type: SentEventType
    status: DeliveryStatus
    created_at: datetime
    delivered_at: datetime | None
    next_attempt_at: datetime | None
    redelivery_of: str | None = Field(
        description="For a delivery made again by hand: the delivery it repeats."
    )
    request_body: str | None = Field(
        description="The body POSTed, exactly (every attempt sends the same bytes). None "
        "when it holds supporters' personal data (`action.created`) and the key does not "
        "grant `constituents:read`."
    )
    attempts: list[WebhookAttemptOut]


class WebhookDeliveryList(PageOut):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [DELIVERY_EXAMPLE]} | PAGE_EXAMPLE]}
    )

    items: list[WebhookDeliveryOut]
