"""Actions record the campaign link they came by (utm_*) and the site that embedded
the page (issue 14): accepted on the action, bounded and checked, read back in the
actions resource and the action.created event, counted in the campaign's results and
on the console's results page."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.settings import Settings
from app.webhooks.models import WebhookEvent
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.console.test_supporters import sign_in_as
from tests.webhook_data import make_webhook

ORIGIN = {
    "utm_source": "newsletter",
    "utm_medium": "email",
    "utm_campaign": "stca-week",
    "utm_term": "safe third country",
    "utm_content": "button",
}


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def act(client: TestClient, email: str, **changes: Any) -> Any:
    body = action_body(supporter={"email": email}, **changes)
    return client.post("/v1/campaigns/rescind-stca/actions", json=body)


def test_an_action_keeps_its_link_tags_and_the_origin_of_the_site_that_embedded_it(
    client: TestClient,
    caller: Caller,
    campaign: dict[str, Any],
    session: Session,
    settings: Settings,
) -> None:
    settings.webhook_allow_private_addresses = True  # the event is read where it is stored
    make_webhook(client, caller, "http://127.0.0.1:9/hook")
    taken = act(
        client,
        "amelie@example.org",
        **ORIGIN,
        embedded_on="https://Partner.Example.org/blog/2026/stca?reader=42",
    )
    assert taken.status_code == 201, taken.text
    action_id = taken.json()["id"]
    read = client.get(f"/v1/actions/{action_id}", headers=caller.headers).json()
    kept = ORIGIN | {"embedded_on": "https://partner.example.org"}  # the origin only
    assert {name: read[name] for name in kept} == kept
    listed = client.get("/v1/actions", headers=caller.headers).json()["items"]
    assert {name: listed[0][name] for name in kept} == kept
    event = session.scalars(select(WebhookEvent).where(WebhookEvent.type == "action.created")).one()
    data = json.loads(event.body)["data"]
    assert {name: data[name] for name in kept} == kept and data["source"] == "api"


def test_an_action_without_them_reads_null(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    taken = act(client, "amelie@example.org").json()
    read = client.get(f"/v1/actions/{taken['id']}", headers=caller.headers).json()
    assert [read[name] for name in (*ORIGIN, "embedded_on")] == [None] * 6


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"utm_campaign": "x" * 101},
            "utm_campaign",
            "Votre balise utm_campaign compte 101 caractères; le maximum est de 100.",
        ),
        (
            {"utm_source": "news\nletter"},
            "utm_source",
            "Votre balise utm_source contient un caractère de contrôle",
        ),
        (
            {"embedded_on": "javascript:alert(1)"},
            "embedded_on",
            "Le site d'intégration (embedded_on) doit être une adresse http ou https",
        ),
        ({"embedded_on": "partner.example.org"}, "embedded_on", "embedded_on"),
    ],
)
def test_bad_tags_or_sites_are_refused_naming_the_field_in_the_letters_language(
    client: TestClient,
    campaign: dict[str, Any],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    answer = act(client, "amelie@example.org", language="fr", **changes)
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    assert error["field"] == field
    assert message in error["message"]


def test_results_count_actions_by_link_campaign_source_and_embedding_site(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, Any]
) -> None:
    arrivals = [
        {"utm_campaign": "stca-week", "utm_source": "newsletter"},
        {"utm_campaign": "stca-week", "utm_source": "facebook"},
        {"utm_campaign": "giving-tuesday", "embedded_on": "https://partner.example.org"},
        {"embedded_on": "https://partner.example.org/other-page"},
        {},
    ]
    for n, arrival in enumerate(arrivals):
        assert act(client, f"writer{n}@example.org", **arrival).status_code == 201
    figures = client.get(f"/v1/campaigns/{campaign['id']}/results", headers=caller.headers).json()
    assert figures["utm_campaigns"] == {"stca-week": 2, "giving-tuesday": 1}
    assert list(figures["utm_campaigns"]) == ["stca-week", "giving-tuesday"]  # most first
    assert figures["utm_sources"] == {"facebook": 1, "newsletter": 1}
    assert figures["embedding_sites"] == {"https://partner.example.org": 2}

    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    page = client.get(f"/console/campaigns/{campaign['id']}/results")
    assert page.status_code == 200
    for shown in (
        "By link campaign (utm_campaign)",
        '<th scope="row">stca-week</th><td class="number">2</td>',
        "By link source (utm_source)",
        "Sites that embed the page",
        '<th scope="row">https://partner.example.org</th><td class="number">2</td>',
    ):
        assert shown in page.text
    client.cookies.clear()
