from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.deps import WebhooksReader, WebhooksWriter
from app.db import SessionDep
from app.pagination import DEFAULT_LIMIT, MAX_LIMIT
from app.responses import not_found
from app.settings import SettingsDep
from app.webhooks import service
from app.webhooks.models import Webhook
from app.webhooks.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryList,
    WebhookList,
    WebhookOut,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

NO_WEBHOOK = not_found("No such webhook in your organisation (or it was deleted).")
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=200)]


def _created(webhook: Webhook, secret: str) -> WebhookCreated:
    return WebhookCreated(**WebhookOut.model_validate(webhook).model_dump(), secret=secret)


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
)
def create_webhook(
    settings: SettingsDep, body: WebhookCreate, principal: WebhooksWriter, session: SessionDep
) -> WebhookCreated:
    """Subscribe a URL to events. The answer holds the signing secret, shown this once."""
    webhook, secret = service.create_webhook(session, principal.organisation_id, body, settings)
    return _created(webhook, secret)


@router.get("", response_model=WebhookList)
def list_webhooks(
    principal: WebhooksReader,
    session: SessionDep,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> WebhookList:
    webhooks, next_cursor = service.list_webhooks(session, principal.organisation_id, limit, cursor)
    return WebhookList(
        items=[WebhookOut.model_validate(w) for w in webhooks], next_cursor=next_cursor
    )


@router.get("/{webhook_id}", response_model=WebhookOut, responses=NO_WEBHOOK)
def get_webhook(webhook_id: str, principal: WebhooksReader, session: SessionDep) -> WebhookOut:
    return WebhookOut.model_validate(
        service.get_webhook(session, principal.organisation_id, webhook_id)
    )


@router.delete(
    "/{webhook_id}",
    status_code=204,
    response_class=Response,
    responses=NO_WEBHOOK | {204: {"description": "Deleted: it receives nothing more."}},
)
def delete_webhook(webhook_id: str, principal: WebhooksWriter, session: SessionDep) -> Response:
    """Stop sending to this webhook; its pending deliveries are cancelled."""
    service.delete_webhook(session, principal.organisation_id, webhook_id)
    return Response(status_code=204)


@router.post("/{webhook_id}/rotate-secret", response_model=WebhookCreated, responses=NO_WEBHOOK)
def rotate_secret(
    settings: SettingsDep, webhook_id: str, principal: WebhooksWriter, session: SessionDep
) -> WebhookCreated:
    """A new signing secret, shown this once. Until `previous_secret_expires_at`
    deliveries carry both signatures (two `v1=`), so the receiver can change over."""
    webhook, secret = service.rotate_secret(
        session, principal.organisation_id, webhook_id, settings
    )
    return _created(webhook, secret)


@router.get("/{webhook_id}/deliveries", response_model=WebhookDeliveryList, responses=NO_WEBHOOK)
def list_deliveries(
    webhook_id: str,
    principal: WebhooksReader,
    session: SessionDep,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> WebhookDeliveryList:
    """The delivery log: each event sent to this webhook, its status, every attempt (the
    receiver's status code or the error, and how long it took) and the next attempt."""
    deliveries, next_cursor = service.list_deliveries(
        session, principal.organisation_id, webhook_id, limit, cursor
    )
    return WebhookDeliveryList(items=deliveries, next_cursor=next_cursor)
