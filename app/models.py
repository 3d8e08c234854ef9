"""Every feature's tables, imported in one place for Alembic and for tests."""

from app.auth.models import ApiKey, Organisation
from app.campaigns.models import Campaign
from app.console.models import ConsoleSession, SignInLink, User
from app.delivery.models import Delivery, DeliveryAttempt, Digest, PrintBatch
from app.directory.models import PostalCodeDistrict, Recipient, RecipientRole
from app.events.models import Event
from app.idempotency.models import IdempotencyKey
from app.impact.models import Questionnaire
from app.inbound.models import InboundMessage, Reply
from app.letters.models import Action, Letter, RepeatNotice
from app.outbox.models import WorkerRow
from app.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent

__all__ = [
    "Action",
    "ApiKey",
    "Campaign",
    "ConsoleSession",
    "Delivery",
    "DeliveryAttempt",
    "Digest",
    "Event",
    "IdempotencyKey",
    "InboundMessage",
    "Letter",
    "Organisation",
    "PostalCodeDistrict",
    "PrintBatch",
    "Questionnaire",
    "Recipient",
    "RecipientRole",
    "RepeatNotice",
    "Reply",
    "SignInLink",
    "User",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEvent",
    "WorkerRow",
]
