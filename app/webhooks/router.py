from collections.abc import Iterable
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.deps import WebhooksReader, WebhooksWriter
from app.auth.scopes import Scope, grants
from app.auth.service import Principal
from app.db import SessionDep
from app.errors import DeliveryPending, Forbidden, WebhookPaused
from app.pagination import Window
from app.responses import conflict, not_found, problem
from app.settings import SettingsDep
from app.webhooks import service
from app.webhooks.models import Webhook
from app.webhooks.schemas import (
    PERSONAL_EVENTS,
    DeliveryStatus,
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryList,
    WebhookDeliveryOut,
    WebhookList,
    WebhookOut,
    WebhookUpdate,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

NO_WEBHOOK = not_found("No such webhook in your organisation (or it was deleted).")
NO_DELIVERY = not_found("No such webhook in your organisation, or no such delivery of it.")
PAUSED = conflict(
    WebhookPaused,
    "the webhook is paused (`active` is false): make it active first.",
    "This webhook is paused: make it active (PATCH `active`) first.",
)
PAUSED_OR_PENDING = problem(
    409,
    DeliveryPending.slug,
    DeliveryPending.title,
    "`/problems/delivery-pending`: the delivery is still being tried (`pending`): "
    "redeliver it once it has been delivered or has failed. `/problems/webhook-paused`: "
    "the webhook is paused (`active` is false): make it active first.",
    "This delivery is still being tried (see `next_attempt_at`): redeliver it once it "
    "has been delivered or has failed.",
)


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


def check_personal_events(principal: Principal, events: Iterable[str]) -> None:
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
    settings: SettingsDep,
    body: WebhookCreate,
    principal: WebhooksWriter,
    session: SessionDep,
    response: Response,
) -> WebhookCreated:
    """Subscribe a URL to events. The answer holds the signing secret, shown this once.
    `action.created` holds supporters' personal data: subscribing to it needs a key that
    also grants `constituents:read`."""
    check_personal_events(principal, body.events)
    webhook, secret = service.create_webhook(session, principal.organisation_id, body, settings)
    response.headers["Location"] = f"/v1/webhooks/{webhook.id}"
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


@router.patch(
    "/{webhook_id}",
    response_model=WebhookOut,
    responses=NO_WEBHOOK | PERSONAL_EVENTS_FORBIDDEN,
)
def update_webhook(
    settings: SettingsDep,
    webhook_id: str,
    body: WebhookUpdate,
    principal: WebhooksWriter,
    session: SessionDep,
) -> WebhookOut:
    """Change a webhook's `url`, `events`, `description`, or pause it (`active`): what the
    body leaves out stays. The signing secret does not change (rotate it explicitly).
    Changing a webhook that is to receive `action.created` needs `constituents:read`
    too (its URL could otherwise be pointed elsewhere by a key that may not read them)."""
    current = service.get_webhook(session, principal.organisation_id, webhook_id)
    check_personal_events(principal, body.events or current.events)
    webhook = service.update_webhook(session, principal.organisation_id, webhook_id, body, settings)
    return WebhookOut.model_validate(webhook)


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


def _personal_data(principal: Principal) -> bool:
    return grants(principal.scopes, Scope.CONSTITUENTS_READ)


@router.post(
    "/{webhook_id}/test",
    status_code=202,
    response_model=WebhookDeliveryOut,
    responses=NO_WEBHOOK | PAUSED,
)
def send_test_event(
    webhook_id: str, principal: WebhooksWriter, session: SessionDep
) -> WebhookDeliveryOut:
    """Send this webhook a `webhook.test` event, signed as every event is. The answer is
    its delivery, due at once; the delivery log shows how it went."""
    return service.send_test_event(
        session, principal.organisation_id, webhook_id, _personal_data(principal)
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=WebhookDeliveryOut,
    responses=NO_DELIVERY | PAUSED_OR_PENDING,
)
def redeliver(
    webhook_id: str, delivery_id: str, principal: WebhooksWriter, session: SessionDep
) -> WebhookDeliveryOut:
    """Send a delivery's event again: a new delivery (`redelivery_of` names the one it
    repeats) of the same body with the same event id, due at once, with its own attempts."""
    return service.redeliver(
        session, principal.organisation_id, webhook_id, delivery_id, _personal_data(principal)
    )


@router.get("/{webhook_id}/deliveries", response_model=WebhookDeliveryList, responses=NO_WEBHOOK)
def list_deliveries(
    webhook_id: str,
    principal: WebhooksReader,
    session: SessionDep,
    window: Window,
    status: Annotated[
        DeliveryStatus | None, Query(description="Only the deliveries in this state.")
    ] = None,
) -> WebhookDeliveryList:
    """The delivery log: each event sent to this webhook, what was sent (`request_body`,
    and each attempt's `request_headers`), its status, every attempt (the receiver's
    status code and the start of its answer, or the error, and how long it took) and the
    next attempt. `request_body` of an `action.created` needs `constituents:read`."""
    page = service.list_deliveries(
        session, principal.organisation_id, webhook_id, status, _personal_data(principal), window
    )
    return WebhookDeliveryList.model_validate(page, from_attributes=True)
