"""The API's answer to an action carries the page's 'did you mean …?' for an address
whose domain looks like a slip of the keys (issue 14): a suggestion, never a refusal."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def test_an_address_with_a_typo_is_taken_and_answered_with_a_suggestion(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    body = action_body(supporter={"email": "amelie@gmial.com"})
    response = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["email_suggestion"] == "amelie@gmail.com"


def test_an_address_that_looks_right_gets_no_suggestion(
    client: TestClient, campaign: dict[str, Any]
) -> None:
    response = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert response.status_code == 201, response.text
    assert response.json()["email_suggestion"] is None


def test_the_suggestion_is_documented_with_an_example(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["ActionOut"]
    assert "email_suggestion" in schema["properties"]
    assert any(
        example.get("email_suggestion") == "amelie@gmail.com" for example in schema["examples"]
    )
