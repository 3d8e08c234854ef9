"""Every `201 Created` of the API says where the new thing is (`Location`) and when it
was made (`created_at`), and the document declares the header: walked over every 201 of
the document, so that a new one cannot be missed."""

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from tests.campaign_data import action_body, campaign_body, make_campaign, make_directory
from tests.conftest import Caller

Make = Callable[[TestClient, Caller, dict[str, Any]], httpx.Response]

# Each 201 of the document, and how to make one (`made` holds the campaign made first).
CREATORS: dict[tuple[str, str], Make] = {
    ("post", "/v1/api-keys"): lambda client, caller, made: client.post(
        "/v1/api-keys", json={"name": "website", "scopes": ["campaigns:read"]},
        headers=caller.headers,
    ),
    ("post", "/v1/recipients"): lambda client, caller, made: client.post(
        "/v1/recipients", json={"first_name": "Jane", "last_name": "Doe"},
        headers=caller.headers,
    ),
    ("post", "/v1/campaigns"): lambda client, caller, made: client.post(
        "/v1/campaigns", json=campaign_body(slug="another", status="draft"),
        headers=caller.headers,
    ),
    ("post", "/v1/campaigns/{slug}/actions"): lambda client, caller, made: client.post(
        f"/v1/campaigns/{made['slug']}/actions", json=action_body()
    ),
    ("post", "/v1/campaigns/{campaign_id}/preview-link"): lambda client, caller, made: (
        client.post(f"/v1/campaigns/{made['id']}/preview-link", headers=caller.headers)
    ),
    ("post", "/v1/webhooks"): lambda client, caller, made: client.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "events": ["letter.sent"]},
        headers=caller.headers,
    ),
}  # fmt: skip


@pytest.fixture
def settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"webhook_allow_private_addresses": True})


def created_operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): operation["responses"]["201"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "201" in operation["responses"]
    }


def test_every_201_says_where_and_when_the_new_thing_was_made(
    client: TestClient, caller: Caller
) -> None:
    document = client.get("/openapi.json").json()
    declared = created_operations(document)
    assert set(declared) == set(CREATORS), "a 201 this test does not make"
    make_directory(client, caller)
    made = make_campaign(client, caller)
    for (method, path), make in CREATORS.items():
        assert declared[(method, path)]["headers"]["Location"]["required"] is True, path
        answer = make(client, caller, made)
        assert answer.status_code == 201, (path, answer.text)
        body = answer.json()
        assert body["created_at"], path
        location = answer.headers["location"]
        if location.startswith("/v1/"):  # the thing made, read back by its address
            assert location.endswith(f"/{body['id']}"), (path, location)
            assert client.get(location, headers=caller.headers).status_code == 200, location
        else:  # a preview link: the page itself
            assert location == body["url"]
            assert client.get(location).status_code == 200
