"""One organisation with something of everything, made through the API, for tests that
walk every operation: real ids and slugs to put in their paths."""

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from app.auth.scopes import Scope
from app.letters.schemas import ActionOut
from app.settings import Settings
from app.tokens import confirmation_token
from app.web.thanks import seal_thanks
from app.webhooks.schemas import WebhookCreate
from app.webhooks.service import create_webhook, send_test_event
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller
from tests.delivery_data import make_print_batch


@dataclass
class Organisation:
    admin: Caller
    ids: dict[str, str] = field(default_factory=dict)
    confirm_token: str = ""

    def path(self, template: str) -> str:
        """`template` with each of its parameters filled with one of this organisation's."""
        return template.format(**self.ids)


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    return response.json()  # type: ignore[no-any-return]


def make_organisation(client: TestClient, make_caller: MakeCaller) -> Organisation:
    """Recipients, a live campaign written by email and by post, an action and its
    letters, one waiting for confirmation, a print batch, and a spare API key."""
    organisation = Organisation(make_caller([Scope.ADMIN]))
    headers = organisation.admin.headers
    recipients = make_directory(client, organisation.admin)
    campaign = make_campaign(client, organisation.admin, channels=["email", "print"])
    action = _created(client.post(f"/v1/campaigns/{campaign['slug']}/actions", json=action_body()))
    confirming = make_campaign(client, organisation.admin, slug="confirm-first", confirm_email=True)
    waiting = _created(
        client.post(
            f"/v1/campaigns/{confirming['slug']}/actions",
            json=action_body(supporter={"email": "waiting@example.org"}),
        )
    )
    batch = make_print_batch(client, headers)
    spare = _created(
        client.post("/v1/api-keys", json={"name": "spare", "scopes": ["admin"]}, headers=headers)
    )
    settings = client.app.state.settings  # type: ignore[attr-defined]
    webhook, delivery = _webhook(client, organisation.admin.organisation_id, settings)
    organisation.ids = {
        "recipient_id": recipients["joly"],
        "campaign_id": campaign["id"],
        "slug": campaign["slug"],
        "letter_id": action["letters"][0]["id"],
        "action_id": waiting["id"],
        "batch_id": batch["id"],
        "key_id": spare["id"],
        "webhook_id": webhook,
        "delivery_id": delivery,
        "sealed": seal_thanks(settings, ActionOut.model_validate(action), {"first_name": "A"}),
        "colour": "0b5d52",
        "token": "not-a-preview-token",
        "questionnaire_id": "qst_not_made",
    }
    organisation.confirm_token = confirmation_token(settings, waiting["id"])
    return organisation


def _webhook(client: TestClient, organisation_id: str, settings: Settings) -> tuple[str, str]:
    """A webhook to a loopback address nobody listens on (the API refuses such addresses
    unless allowed; nothing here sends to it), and a delivery of a test event to it."""
    body = WebhookCreate(url="http://127.0.0.1:9/hook", events=["action.created"])
    loopback = settings.model_copy(update={"webhook_allow_private_addresses": True})
    with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
        webhook, _ = create_webhook(session, organisation_id, body, loopback)
        delivery = send_test_event(session, organisation_id, webhook.id, personal_data=False)
    return webhook.id, delivery.id
