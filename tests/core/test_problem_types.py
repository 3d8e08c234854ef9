"""Conflicts a client must tell apart each have their own problem type, and every member
a problem may carry is declared in the `Problem` schema, so generated clients keep it."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.errors import Conflict
from app.main import create_app
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import deliver_all


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def test_a_repeat_action_told_to_a_key_is_a_duplicate_action(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    first = client.post("/v1/campaigns/rescind-stca/actions", json=action_body()).json()
    again = client.post(
        "/v1/campaigns/rescind-stca/actions", json=action_body(), headers=caller.headers
    )
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/duplicate-action"
    assert again.json()["action_id"] == first["id"]


def test_a_closed_campaign_is_its_own_problem(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    closed = client.patch(
        f"/v1/campaigns/{campaign['id']}", json={"status": "closed"}, headers=caller.headers
    )
    assert closed.status_code == 200, closed.text
    refused = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert refused.status_code == 409
    body = refused.json()
    assert body["type"] == "/problems/campaign-closed"
    assert (body["campaign"], body["campaign_id"]) == ("rescind-stca", campaign["id"])


def test_a_letter_that_left_is_not_cancellable(
    client: TestClient, caller: Caller, campaign: dict[str, Any], settings: Settings
) -> None:
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=action_body()).json()
    deliver_all(client, settings)
    letter_id = taken["letters"][0]["id"]
    refused = client.post(f"/v1/letters/{letter_id}/cancel", headers=caller.headers)
    assert refused.status_code == 409
    assert refused.json()["type"] == "/problems/letter-not-cancellable"
    assert refused.json()["letter_status"] in ("sent", "failed")


def test_a_live_campaigns_slug_is_its_own_problem(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    renamed = client.patch(
        f"/v1/campaigns/{campaign['id']}", json={"slug": "elsewhere"}, headers=caller.headers
    )
    assert renamed.status_code == 409
    assert renamed.json()["type"] == "/problems/slug-fixed"


def test_the_problem_schema_declares_every_member(settings: Settings) -> None:
    document = create_app(settings).openapi()
    members = document["components"]["schemas"]["Problem"]["properties"]
    for member in (
        "action_id", "candidates", "retry_after", "required_scope", "max_bytes",
        "letter_status", "batch_status", "campaign", "campaign_id", "known_columns",
    ):  # fmt: skip
        assert member in members, member
    described = document["components"]["schemas"]["Problem"]["properties"]["type"]
    for kind in ("duplicate-action", "campaign-closed", "letter-not-cancellable", "slug-fixed"):
        assert f"/problems/{kind}" in described["description"]
    take_action = document["paths"]["/v1/campaigns/{slug}/actions"]["post"]
    example = take_action["responses"]["409"]["content"]["application/problem+json"]
    assert example["example"]["type"] == "/problems/duplicate-action"
    assert "action_id" in example["example"]


def test_no_409_of_the_document_is_the_generic_conflict(settings: Settings) -> None:
    """Each conflict a route declares is its own type, and the `Problem` schema names
    every one of them, so a client tells them apart by `type` alone."""
    document = create_app(settings).openapi()
    generic = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answer = operation["responses"].get("409", {}).get("content", {})
            if "application/problem+json" in answer:  # (a page's 409 is the page again)
                example = answer["application/problem+json"]["example"]
                if example["type"] == "/problems/conflict":
                    generic.append(f"{method.upper()} {path}")
    assert generic == []
    described = document["components"]["schemas"]["Problem"]["properties"]["type"]
    for kind in Conflict.__subclasses__():
        assert f"/problems/{kind.slug} (409)" in described["description"], kind.slug
