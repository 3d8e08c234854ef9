"""Webhooks: partners' subscriptions, and the events written for them into the outbox in
the transaction of the change each reports (nothing here commits an event on its own:
an event whose change is rolled back is rolled back with it)."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import String, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from app.db import utcnow
from app.errors import DeliveryPending, InvalidInput, NotFound, WebhookPaused, invalid_field
from app.ids import is_well_formed, new_id
from app.owned import owned_or_404
from app.pagination import Keys, ListWindow, Page, page_of
from app.settings import Settings
from app.webhooks import addresses
from app.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent
from app.webhooks.schemas import (
    PERSONAL_EVENTS,
    DeliveryStatus,
    EventType,
    SentEventType,
    WebhookAttemptOut,
    WebhookCreate,
    WebhookDeliveryOut,
    WebhookUpdate,
)
from app.webhooks.sealing import new_secret, seal

PRIVATE_ADDRESSES_SETTING = "LETTERDESK_WEBHOOK_ALLOW_PRIVATE_ADDRESSES"


def check_url(url: str, settings: Settings) -> None:
    try:
        addresses.allowed_addresses(addresses.parse(url), settings.webhook_allow_private_addresses)
    except addresses.PrivateAddress as error:
        # Who meets this is most often a developer with a receiver on their own machine.
        message = (
            f"{error}. A receiver on your own network or machine (while developing) is "
            f"allowed by the service's setting {PRIVATE_ADDRESSES_SETTING}=true"
        )
        raise InvalidInput(
            errors=[
                {
                    "field": "url",
                    "in": "body",
                    "message": message,
                    "setting": PRIVATE_ADDRESSES_SETTING,
                }
            ]
        ) from error
    except addresses.Unreachable as error:
        raise invalid_field("url", str(error)) from error


def create_webhook(
    session: Session, organisation_id: str, body: WebhookCreate, settings: Settings
) -> tuple[Webhook, str]:
    """A new webhook and its secret, which is answered this once."""
    check_url(body.url, settings)
    secret = new_secret()
    webhook = Webhook(
        id=new_id("whk"),
        organisation_id=organisation_id,
        url=body.url,
        events=list(dict.fromkeys(body.events)),
        description=body.description,
        secret=seal(settings, secret),
    )
    session.add(webhook)
    session.commit()
    return webhook, secret


def get_webhook(session: Session, organisation_id: str, webhook_id: str) -> Webhook:
    webhook = owned_or_404(session, Webhook, webhook_id, organisation_id, "webhook")
    if webhook.deleted_at:
        raise NotFound(f"No webhook {webhook_id!r}.")
    return webhook


def update_webhook(
    session: Session,
    organisation_id: str,
    webhook_id: str,
    body: WebhookUpdate,
    settings: Settings,
) -> Webhook:
    """Change what the body gives (the URL checked as at creation); the secret stays.
    Deliveries still pending go to the new URL. Pausing cancels what was pending."""
    webhook = get_webhook(session, organisation_id, webhook_id)
    changes = body.model_dump(exclude_unset=True)
    if "url" in changes:
        check_url(changes["url"], settings)
    if "events" in changes:
        changes["events"] = list(dict.fromkeys(changes["events"]))
    if changes.get("active") is False and webhook.active:
        _cancel_pending(session, webhook.id)
    for name, value in changes.items():
        setattr(webhook, name, value)
    session.commit()
    return webhook


def _cancel_pending(session: Session, webhook_id: str) -> None:
    session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id, WebhookDelivery.status == "pending")
        .values(status="cancelled", due_at=None, leased_until=None, leased_by=None)
    )


def list_webhooks(session: Session, organisation_id: str, window: ListWindow) -> Page[Webhook]:
    query = select(Webhook).where(
        Webhook.organisation_id == organisation_id, Webhook.deleted_at.is_(None)
    )
    return page_of(session, query, Keys(Webhook.id, Webhook.created_at), window)


def delete_webhook(session: Session, organisation_id: str, webhook_id: str) -> None:
    """The webhook receives nothing more: what it had pending is cancelled (a POST already
    on its way when it is deleted may still arrive). Its delivery log is kept."""
    webhook = get_webhook(session, organisation_id, webhook_id)
    webhook.deleted_at = utcnow()
    _cancel_pending(session, webhook.id)
    session.commit()


def rotate_secret(
    session: Session, organisation_id: str, webhook_id: str, settings: Settings
) -> tuple[Webhook, str]:
    """A new secret, answered this once. The one it replaces goes on signing deliveries,
    beside the new one, for `webhook_rotation_hours`, while the receiver changes over.
    Rotating again within that window retires the oldest secret at once."""
    webhook = get_webhook(session, organisation_id, webhook_id)
    secret = new_secret()
    webhook.previous_secret = webhook.secret
    webhook.previous_secret_expires_at = utcnow() + timedelta(hours=settings.webhook_rotation_hours)
    webhook.secret = seal(settings, secret)
    session.commit()
    return webhook, secret


def list_deliveries(
    session: Session,
    organisation_id: str,
    webhook_id: str,
    status: DeliveryStatus | None,
    personal_data: bool,
    window: ListWindow,
) -> Page[WebhookDeliveryOut]:
    """The webhook's deliveries, those in `status` if given; what was sent is shown, but
    for events holding supporters' personal data only to whom `personal_data` allows."""
    webhook = get_webhook(session, organisation_id, webhook_id)
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id)
        .options(selectinload(WebhookDelivery.event), selectinload(WebhookDelivery.attempt_log))
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    keys = Keys(WebhookDelivery.id, WebhookDelivery.created_at)
    return page_of(session, query, keys, window).map(
        lambda delivery: _delivery_out(delivery, personal_data)
    )


def _delivery_out(delivery: WebhookDelivery, personal_data: bool) -> WebhookDeliveryOut:
    event = delivery.event
    shown = personal_data or event.type not in PERSONAL_EVENTS
    return WebhookDeliveryOut(
        id=delivery.id,
        event_id=delivery.event_id,
        event_type=event.type,
        status=delivery.status,
        created_at=delivery.created_at,
        delivered_at=delivery.delivered_at,
        next_attempt_at=delivery.due_at,
        redelivery_of=delivery.redelivery_of,
        request_body=event.body if shown else None,
        attempts=[WebhookAttemptOut.model_validate(a) for a in delivery.attempt_log],
    )


def _live_webhook(session: Session, organisation_id: str, webhook_id: str) -> Webhook:
    webhook = get_webhook(session, organisation_id, webhook_id)
    if not webhook.active:
        raise WebhookPaused("This webhook is paused: make it active (PATCH `active`) first.")
    return webhook


def _due_now(webhook_id: str, event_id: str, redelivery_of: str | None = None) -> WebhookDelivery:
    return WebhookDelivery(
        id=new_id("wdl"),
        webhook_id=webhook_id,
        event_id=event_id,
        status="pending",
        attempts=0,
        due_at=utcnow(),
        redelivery_of=redelivery_of,
        attempt_log=[],
    )


def send_test_event(
    session: Session, organisation_id: str, webhook_id: str, personal_data: bool
) -> WebhookDeliveryOut:
    """A `webhook.test` event for this webhook alone, due now: signed and sent as every
    event is, and kept in its delivery log."""
    webhook = _live_webhook(session, organisation_id, webhook_id)
    now = utcnow()
    event_id = new_id("evt")
    data = {"webhook_id": webhook.id, "message": "A test event from letterdesk."}
    envelope = _Envelope(id=event_id, type="webhook.test", created_at=now, data=data)
    event = WebhookEvent(
        id=event_id,
        organisation_id=organisation_id,
        type="webhook.test",
        body=envelope.model_dump_json(),
        created_at=now,
    )
    delivery = _due_now(webhook.id, event_id)
    delivery.event = event
    session.add_all([event, delivery])
    session.commit()
    return _delivery_out(delivery, personal_data)


def redeliver(
    session: Session, organisation_id: str, webhook_id: str, delivery_id: str, personal_data: bool
) -> WebhookDeliveryOut:
    """A new delivery of a delivery's event to the same webhook, due now: the same body
    and event id (`Letterdesk-Event-Id`), signed afresh, with its own attempts in the log.
    A delivery still being tried is not repeated beside itself."""
    webhook = _live_webhook(session, organisation_id, webhook_id)
    original = (
        session.scalar(
            select(WebhookDelivery).where(
                WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook.id
            )
        )
        if is_well_formed(delivery_id)
        else None
    )
    if original is None:
        raise NotFound(f"No delivery {delivery_id!r} of this webhook.")
    if original.status == "pending":
        raise DeliveryPending(
            "This delivery is still being tried (see `next_attempt_at`): redeliver it once "
            "it has been delivered or has failed."
        )
    delivery = _due_now(webhook.id, original.event_id, redelivery_of=original.id)
    delivery.event = original.event
    session.add(delivery)
    session.commit()
    return _delivery_out(delivery, personal_data)


# Events. Each writer first asks which webhooks want the event: one query on an index,
# answered by no row for an organisation without webhooks, which is all it then costs.


_SUBSCRIBED = select(Webhook.id, Webhook.events).where(
    Webhook.organisation_id == bindparam("organisation_id", type_=String),
    Webhook.deleted_at.is_(None),
    Webhook.active,
)  # built once (every action asks), its organisation bound on each call


def subscribers(session: Session, organisation_id: str) -> dict[str, list[str]]:
    """The organisation's webhooks (ids, not those paused) by the event types they want."""
    wanted: dict[str, list[str]] = {}
    for webhook_id, events in session.execute(_SUBSCRIBED, {"organisation_id": organisation_id}):
        for event_type in events:
            wanted.setdefault(event_type, []).append(webhook_id)
    return wanted


class _Envelope(BaseModel):
    id: str
    type: SentEventType
    created_at: datetime
    data: dict[str, Any]


def write_events(
    session: Session,
    organisation_id: str,
    event_type: EventType,
    data: Iterable[BaseModel | dict[str, Any]],
    webhook_ids: Sequence[str],
) -> None:
    """One event per item of `data`, and its deliveries to `webhook_ids`, due now; in the
    caller's transaction."""
    if not webhook_ids:
        return
    now = utcnow()
    events, deliveries = [], []
    for item in data:
        body = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
        event_id = new_id("evt")
        envelope = _Envelope(id=event_id, type=event_type, created_at=now, data=body)
        events.append(
            {
                "id": event_id,
                "organisation_id": organisation_id,
                "type": event_type,
                "body": envelope.model_dump_json(),
                "created_at": now,
            }
        )
        deliveries += [
            {
                "id": new_id("wdl"),
                "webhook_id": webhook_id,
                "event_id": event_id,
                "status": "pending",
                "attempts": 0,
                "due_at": now,
                "created_at": now,
            }
            for webhook_id in webhook_ids
        ]
        if len(events) >= 500:
            _insert(session, events, deliveries)
            events, deliveries = [], []
    _insert(session, events, deliveries)


def _insert(
    session: Session, events: list[dict[str, Any]], deliveries: list[dict[str, Any]]
) -> None:
    if events:
        session.execute(insert(WebhookEvent), events)
        session.execute(insert(WebhookDelivery), deliveries)


def record_event(
    session: Session, organisation_id: str, event_type: EventType, data: BaseModel
) -> None:
    """`event_type` for the organisation's webhooks that want it, if any."""
    webhook_ids = subscribers(session, organisation_id).get(event_type, [])
    write_events(session, organisation_id, event_type, [data], webhook_ids)


def forget_events_naming(session: Session, organisation_id: str, ids: Sequence[str]) -> int:
    """For an erasure: the events that name any of `ids` (a supporter's actions and
    letters; `action.created` holds the letters' text) keep their id and type but lose
    their data, and what was not yet sent of them is cancelled. In the caller's
    transaction; answers how many events."""
    if not ids:
        return 0
    naming = list(
        session.execute(
            select(WebhookEvent.id, WebhookEvent.type, WebhookEvent.created_at).where(
                WebhookEvent.organisation_id == organisation_id,
                or_(
                    *(WebhookEvent.body.contains(identifier, autoescape=True) for identifier in ids)
                ),
            )
        )
    )
    for event_id, event_type, created_at in naming:
        erased = _Envelope(
            id=event_id, type=event_type, created_at=created_at, data={"erased": True}
        )
        session.execute(
            update(WebhookEvent)
            .where(WebhookEvent.id == event_id)
            .values(body=erased.model_dump_json())
            .execution_options(synchronize_session=False)
        )
    if naming:
        # A receiver's answer (or an error) can quote what it was sent.
        deliveries = select(WebhookDelivery.id).where(
            WebhookDelivery.event_id.in_([row.id for row in naming])
        )
        session.execute(
            update(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.in_(deliveries))
            .values(response_body=None, error=None)
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.event_id.in_([row.id for row in naming]),
                WebhookDelivery.status == "pending",
                WebhookDelivery.leased_by.is_(None),
            )
            .values(status="cancelled", due_at=None)
            .execution_options(synchronize_session=False)
        )
    return len(naming)


def purge_old_events(session: Session, retention_days: int, batch: int = 500) -> int:
    """Delete up to `batch` events older than the retention period, with their deliveries
    and attempts, once none of them is still pending; the worker calls it with retention.
    Answers how many."""
    cutoff = utcnow() - timedelta(days=retention_days)
    # A delivery to a webhook deleted (or paused) while its event was being written stays
    # pending, not to be sent: it holds nothing back.
    pending = (
        select(WebhookDelivery.id)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(
            WebhookDelivery.event_id == WebhookEvent.id,
            WebhookDelivery.status == "pending",
            Webhook.deleted_at.is_(None),
            Webhook.active,
        )
    )
    old = list(
        session.scalars(
            select(WebhookEvent.id)
            .where(WebhookEvent.created_at < cutoff, ~pending.exists())
            .limit(batch)
        )
    )
    if old:
        deliveries = select(WebhookDelivery.id).where(WebhookDelivery.event_id.in_(old))
        session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(deliveries)))
        session.execute(delete(WebhookDelivery).where(WebhookDelivery.event_id.in_(old)))
        session.execute(delete(WebhookEvent).where(WebhookEvent.id.in_(old)))
        session.commit()
    return len(old)
