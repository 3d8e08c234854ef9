"""Actions submitted from a partner's server with an `actions:write` key: limited per key
(the key's own limit), not per the server's address; the supporter's own address, when
the partner says it, still meets the per-address limit."""

from typing import Any

from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, make_caller_for

SUPPORTER_ADDRESS = "Letterdesk-Supporter-Address"


def limited_client(settings: Settings, **limits: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=limits)))


def supporter(n: int) -> dict[str, Any]:
    return action_body(supporter={"email": f"supporter{n}@example.org"})


def new_key(client: TestClient, admin: Caller, **body: Any) -> Caller:
    response = client.post(
        "/v1/api-keys",
        json={"name": "crm", "scopes": ["actions:write"]} | body,
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    return Caller(admin.organisation_id, response.json()["key"])


def act(client: TestClient, n: int, headers: dict[str, str] | None = None) -> Any:
    return client.post("/v1/campaigns/rescind-stca/actions", json=supporter(n), headers=headers)


def test_a_keyed_server_is_limited_per_key_not_per_address(settings: Settings) -> None:
    with limited_client(settings, rate_limit_actions_per_address="3/hour") as client:
        admin = make_caller_for(client)()
        make_directory(client, admin)
        make_campaign(client, admin)
        key = new_key(client, admin, action_limit="5/hour")
        for n in range(5):
            taken = act(client, n, key.headers)
            assert taken.status_code == 201, taken.text
        refused = act(client, 5, key.headers)
        assert refused.status_code == 429 and refused.json()["retry_after"] >= 1
        # Another key of the same server has its own count; so has the anonymous public.
        assert act(client, 6, new_key(client, admin, name="crm 2").headers).status_code == 201
        assert act(client, 7).status_code == 201
        listed = client.get("/v1/api-keys", headers=admin.headers).json()["items"]
        limits = {k["name"]: k["action_limit"] for k in listed if k["name"].startswith("crm")}
        assert limits == {"crm": "5/hour", "crm 2": None}
        actions = client.get("/v1/actions", headers=admin.headers).json()["items"]
        assert {a["source"] for a in actions} == {"key", "api"}


def test_the_supporters_address_a_keyed_server_gives_meets_the_address_limit(
    settings: Settings,
) -> None:
    with limited_client(
        settings,
        rate_limit_actions_per_address="2/hour",
        rate_limit_held_actions_per_address="1/hour",
    ) as client:
        admin = make_caller_for(client)()
        make_directory(client, admin)
        make_campaign(client, admin)
        key = new_key(client, admin)
        one = key.headers | {SUPPORTER_ADDRESS: "203.0.113.7"}
        assert act(client, 1, one).status_code == 201
        assert act(client, 2, one).json()["confirmation"] == "not_required"
        assert act(client, 3, one).json()["confirmation"] == "pending"
        assert act(client, 4, one).status_code == 429
        other = key.headers | {SUPPORTER_ADDRESS: "2001:db8::1"}
        assert act(client, 5, other).json()["confirmation"] == "not_required"
        bad = act(client, 6, key.headers | {SUPPORTER_ADDRESS: "not an address"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == SUPPORTER_ADDRESS


def test_a_key_without_actions_write_is_limited_per_address(settings: Settings) -> None:
    with limited_client(
        settings,
        rate_limit_actions_per_address="2/hour",
        rate_limit_held_actions_per_address="1/hour",
    ) as client:
        admin = make_caller_for(client)()
        make_directory(client, admin)
        make_campaign(client, admin)
        reader = new_key(client, admin, scopes=["campaigns:read"])
        assert act(client, 1, reader.headers).status_code == 201
        assert act(client, 2, reader.headers).status_code == 201
        assert act(client, 3, reader.headers).json()["confirmation"] == "pending"
        assert act(client, 4, reader.headers).status_code == 429


def test_a_key_limit_must_read_as_a_limit(client: TestClient, caller: Caller) -> None:
    response = client.post(
        "/v1/api-keys",
        json={"name": "crm", "scopes": ["actions:write"], "action_limit": "lots"},
        headers=caller.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "action_limit"
