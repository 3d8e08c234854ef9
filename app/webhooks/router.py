from fastapi import APIRouter, Response

from app.auth.deps import WebhooksReader, WebhooksWriter
from app.auth.scopes import Scope, grants
from app.auth.service import Principal
from app.db import SessionDep
from app.errors import Forbidden
from app.pagination import Window
from app.responses import not_found, problem
from app.settings import SettingsDep
from app.webhooks import service
from app.webhooks.models import Webhook
from app.webhooks.schemas import (
    PERSONAL_EVENTS,
    EventType,
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryList,
    WebhookList,
    WebhookOut,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

NO_WEBHOOK = not_found("No such webhook in your organisation (or it was deleted).")


def _created(webhook: Webhook, secret: str) -> WebhookCreated:
    return WebhookCreated(**WebhookOut.model_validate(webhook).model_dump(), secret=secret)


PERSONAL_EVENTS_FORBIDDEN = problem(
    403,
    "forbidden",
    "This API key lacks the scope this needs",
    "The key does not grant `webhooks:write`; or it subscribes to an event holding "
    "supporters' personal data (`action.created`) without granting `constituents:read`. "
    "`required_scope` names which.",
    "This needs the 'webhooks:write' scope.",
    required_scope="webhooks:write",
)


def check_personal_events(principal: Principal, events: list[EventType]) -> None:
    """Who may read supporters' details through the API may have them pushed, no one else."""
    personal = sorted(PERSONAL_EVENTS.intersection(events))
    if personal and not grants(principal.scopes, Scope.CONSTITUENTS_READ):
        raise Forbidden(
            f"{', '.join(personal)} carries supporters' personal data: this needs the "
            f"'constituents:read' scope too.",
            required_scope=Scope.CONSTITUENTS_READ.value,
        )


@router.post(
    "",
    status_code=201,
    response_model=WebhookCreated,
    responses=PERSONAL_EVENTS_FORBIDDEN,
)
def create_webhook(
    settings: SettingsDep, body: WebhookCreate, principal: WebhooksWriter, session: SessionDep
) -> WebhookCreated:
    """Subscribe a URL to events. The answer holds the signing secret, shown this once.
    `action.created` holds supporters' personal data: subscribing to it needs a key that
    also grants `constituents:read`."""
    check_personal_events(principal, body.events)
    webhook, secret = service.create_webhook(session, principal.organisation_id, body, settings)
    return _created(webhook, secret)


@router.get("", response_model=WebhookList)
def list_webhooks(
    principal: WebhooksReader,
    session: SessionDep,
    window: Window,
) -> WebhookList:
    page = service.list_webhooks(session, principal.organisation_id, window)
    return WebhookList.model_validate(page.map(WebhookOut.model_validate), from_attributes=True)


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
    window: Window,
) -> WebhookDeliveryList:
    """The delivery log: each event sent to this webhook, its status, every attempt (the
    receiver's status code or the error, and how long it took) and the next attempt."""
    page = service.list_deliveries(session, principal.organisation_id, webhook_id, window)
    return WebhookDeliveryList.model_validate(page, from_attributes=True)
