"""The actions resource: a CRM gets its supporters, their consent and their letters'
states back, a page at a time, behind the scope that guards personal data."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.scopes import Scope
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def act(client: TestClient, email: str, **changes: Any) -> dict[str, Any]:
    body = action_body(supporter={"email": email}, **changes)
    response = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def listed(client: TestClient, caller: Caller, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/actions", params=params, headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_action_is_read_back_with_its_supporter_consent_and_letters(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    taken = act(client, "amelie@example.org", consent_to_contact=True, metadata={"crm_id": "C-42"})
    assert taken["metadata"] == {"crm_id": "C-42"}
    assert taken["campaign_id"] == campaign["id"]
    response = client.get(f"/v1/actions/{taken['id']}", headers=caller.headers)
    assert response.status_code == 200, response.text
    action = response.json()
    assert action["id"] == taken["id"]
    assert (action["campaign_id"], action["campaign"]) == (campaign["id"], "rescind-stca")
    assert action["supporter"]["email"] == "amelie@example.org"
    assert action["supporter"]["postal_code"] == "T5A 1B7"
    assert action["consent_to_contact"] is True
    assert (action["language"], action["source"]) == ("en", "api")
    assert action["metadata"] == {"crm_id": "C-42"}
    assert action["confirmation"] == "not_required" and action["confirmed_at"] is None
    assert [letter["id"] for letter in action["letters"]] == [
        letter["id"] for letter in taken["letters"]
    ]
    assert {letter["status"] for letter in action["letters"]} == {"queued"}
    assert listed(client, caller)["items"] == [action]


def test_actions_are_filtered_by_consent_campaign_time_and_confirmation(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    first = act(client, "a@example.org", consent_to_contact=True)
    second = act(client, "b@example.org")
    ids = [first["id"], second["id"]]

    def ids_of(**params: Any) -> list[str]:
        return [item["id"] for item in listed(client, caller, **params)["items"]]

    assert ids_of() == ids
    assert ids_of(consent_to_contact="true") == [first["id"]]
    assert ids_of(consent_to_contact="false") == [second["id"]]
    assert ids_of(campaign_id=campaign["id"]) == ids
    assert ids_of(campaign_id="cmp_01JD3ZK8Y2M0000000000000000") == []
    assert ids_of(confirmation="not_required") == ids
    assert ids_of(confirmation="pending") == []
    created = listed(client, caller)["items"][0]["created_at"]
    assert ids_of(created_before=created) == []
    assert ids_of(created_after="2000-01-01T00:00:00Z") == ids
    assert ids_of(created_after="2999-01-01T00:00:00Z") == []
    page = listed(client, caller, limit=1)
    assert [item["id"] for item in page["items"]] == [first["id"]]
    rest = listed(client, caller, limit=1, cursor=page["next_cursor"])
    assert [item["id"] for item in rest["items"]] == [second["id"]]


def test_a_waiting_action_says_so_until_confirmed(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller, confirm_email=True)
    taken = act(client, "wait@example.org")
    action = client.get(f"/v1/actions/{taken['id']}", headers=caller.headers).json()
    assert action["confirmation"] == "pending"
    assert {letter["status"] for letter in action["letters"]} == {"pending_confirmation"}
    assert [a["id"] for a in listed(client, caller, confirmation="pending")["items"]] == [
        taken["id"]
    ]


def test_personal_data_needs_the_constituents_scope(
    client: TestClient, caller: Caller, make_caller: MakeCaller, campaign: dict[str, Any]
) -> None:
    taken = act(client, "amelie@example.org")
    letters_only = make_caller([Scope.LETTERS_READ], caller.organisation_id)
    for path in ("/v1/actions", f"/v1/actions/{taken['id']}"):
        refused = client.get(path, headers=letters_only.headers)
        assert refused.status_code == 403
        assert refused.json()["required_scope"] == "constituents:read"
    stranger = make_caller([Scope.ADMIN])
    other = client.get(f"/v1/actions/{taken['id']}", headers=stranger.headers)
    assert other.status_code == 404
    assert client.get("/v1/actions", headers=stranger.headers).json()["items"] == []


def test_an_erased_supporter_reads_as_redacted(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    taken = act(client, "amelie@example.org", metadata={"crm_id": "C-42"})
    erased = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=caller.headers
    )
    assert erased.status_code == 200, erased.text
    action = client.get(f"/v1/actions/{taken['id']}", headers=caller.headers).json()
    assert action["scrubbed_at"] is not None
    assert action["supporter"] is None and action["metadata"] == {}


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({f"k{n}": "v" for n in range(21)}, "metadata"),
        ({"a" * 41: "v"}, "metadata"),
        ({"crm id": "v"}, "metadata"),
        ({"crm_id": "x" * 501}, "metadata.crm_id"),
        ({"crm_id": 42}, "metadata.crm_id"),
        ({"crm_id": {"nested": "no"}}, "metadata.crm_id"),
        ({"crm_id": "line\nbreak"}, "metadata.crm_id"),
    ],
)
def test_metadata_is_bounded(
    client: TestClient, campaign: dict[str, Any], metadata: dict[str, Any], field: str
) -> None:
    body = action_body(metadata=metadata)
    response = client.post("/v1/campaigns/rescind-stca/actions", json=body)
    assert response.status_code == 422, response.text
    assert any(error["field"].startswith(field) for error in response.json()["errors"])
