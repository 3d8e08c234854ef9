"""Every list is read the same way: a page at a time in either order, from a cursor
that survives the last page, so a client syncing from it resumes where it stopped."""

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from tests.campaign_data import RECIPIENTS, action_body, make_campaign, make_directory
from tests.conftest import Caller

WINDOW = {"limit", "cursor", "order", "created_after"}
CHANGING_WINDOW = WINDOW | {"sort", "updated_since"}


def make_recipient(client: TestClient, caller: Caller, last_name: str) -> str:
    body = RECIPIENTS["joly"] | {"last_name": last_name, "roles": []}
    response = client.post("/v1/recipients", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def page(client: TestClient, caller: Caller, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params, headers=caller.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def ids(listed: dict[str, Any]) -> list[str]:
    return [item["id"] for item in listed["items"]]


def _lists(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Each GET whose answer has a `next_cursor`, with its item schema."""
    schemas = document["components"]["schemas"]
    found = []
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        content = operation["responses"]["200"].get("content", {}).get("application/json", {})
        ref = content.get("schema", {}).get("$ref", "")
        answer = schemas.get(ref.rsplit("/", 1)[-1], {})
        if "next_cursor" in answer.get("properties", {}):
            item = schemas[answer["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]]
            found.append((path, operation, item))
    return found


def test_every_list_takes_the_window_and_says_whether_more_follow() -> None:
    document = create_app(
        Settings(database_url="sqlite://", secret_key="x", _env_file=None)
    ).openapi()
    lists = _lists(document)
    assert {path for path, _, _ in lists} >= {
        "/v1/campaigns",
        "/v1/letters",
        "/v1/actions",
        "/v1/recipients",
        "/v1/print-batches",
        "/v1/webhooks",
        "/v1/webhooks/{webhook_id}/deliveries",
        "/v1/api-keys",
    }
    schemas = document["components"]["schemas"]
    for path, operation, item in lists:
        taken = {param["name"] for param in operation.get("parameters", [])}
        expected = CHANGING_WINDOW if "updated_at" in item["properties"] else WINDOW
        assert expected <= taken, path
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert {"next_cursor", "has_more"} <= set(schemas[answer.rsplit("/", 1)[-1]]["required"]), (
            path
        )


def test_the_last_pages_cursor_resumes_with_what_was_made_since(
    client: TestClient, caller: Caller
) -> None:
    made = [make_recipient(client, caller, name) for name in ("Ayers", "Brandt", "Chow")]
    first = page(client, caller, "/v1/recipients", limit=2)
    assert ids(first) == made[:2] and first["has_more"] is True
    last = page(client, caller, "/v1/recipients", limit=2, cursor=first["next_cursor"])
    assert ids(last) == made[2:] and last["has_more"] is False
    assert last["next_cursor"]
    nothing_new = page(client, caller, "/v1/recipients", cursor=last["next_cursor"])
    assert ids(nothing_new) == [] and nothing_new["has_more"] is False
    later = make_recipient(client, caller, "Dion")
    resumed = page(client, caller, "/v1/recipients", cursor=nothing_new["next_cursor"])
    assert ids(resumed) == [later]


def test_newest_first_pages_are_stable_while_rows_are_added(
    client: TestClient, caller: Caller
) -> None:
    made = [make_recipient(client, caller, name) for name in ("Ayers", "Brandt", "Chow")]
    first = page(client, caller, "/v1/recipients", limit=2, order="desc")
    assert ids(first) == [made[2], made[1]]
    make_recipient(client, caller, "Dion")  # newer than all: it belongs before the first page
    rest = page(client, caller, "/v1/recipients", order="desc", cursor=first["next_cursor"])
    assert ids(rest) == [made[0]] and rest["has_more"] is False


def test_a_letters_sync_resumes_with_the_letters_whose_status_changed(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)
    response = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert response.status_code == 201, response.text
    letters = [letter["id"] for letter in response.json()["letters"]]
    synced = page(client, caller, "/v1/letters", sort="updated_at")
    assert sorted(ids(synced)) == sorted(letters) and synced["has_more"] is False
    assert (
        page(client, caller, "/v1/letters", cursor=synced["next_cursor"], sort="updated_at")[
            "items"
        ]
        == []
    )
    cancelled = client.post(f"/v1/letters/{letters[0]}/cancel", headers=caller.headers)
    assert cancelled.status_code == 200, cancelled.text
    since = page(client, caller, "/v1/letters", cursor=synced["next_cursor"], sort="updated_at")
    assert [(item["id"], item["status"]) for item in since["items"]] == [(letters[0], "cancelled")]
    [before] = [item for item in synced["items"] if item["id"] == letters[0]]
    assert since["items"][0]["updated_at"] > before["updated_at"]
    changed = page(client, caller, "/v1/letters", updated_since=since["items"][0]["updated_at"])
    assert ids(changed) == [letters[0]]


def test_created_after_and_updated_since_filter_campaigns(
    client: TestClient, caller: Caller
) -> None:
    campaign = make_campaign(client, caller, status="draft")
    assert ids(page(client, caller, "/v1/campaigns", updated_since="2000-01-01T00:00:00Z")) == [
        campaign["id"]
    ]
    assert ids(page(client, caller, "/v1/campaigns", created_after=campaign["created_at"])) == []
    patched = client.patch(
        f"/v1/campaigns/{campaign['id']}", json={"goal": 7}, headers=caller.headers
    )
    assert patched.status_code == 200, patched.text
    since = page(client, caller, "/v1/campaigns", updated_since=patched.json()["updated_at"])
    assert ids(since) == [campaign["id"]]
    assert ids(page(client, caller, "/v1/campaigns", updated_since="2999-01-01T00:00:00Z")) == []


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        base64.urlsafe_b64encode(b'{"s":"created_at","o":"asc","i":"DROP"}').decode(),
        base64.urlsafe_b64encode(b'{"s":"sideways","o":"asc","i":null}').decode(),
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
    ],
)
def test_a_cursor_we_did_not_give_is_refused_naming_it(
    client: TestClient, caller: Caller, cursor: str
) -> None:
    response = client.get("/v1/recipients", params={"cursor": cursor}, headers=caller.headers)
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == ["cursor"]


def test_a_cursor_is_refused_in_another_order_than_it_was_given_in(
    client: TestClient, caller: Caller
) -> None:
    make_recipient(client, caller, "Ayers")
    cursor = page(client, caller, "/v1/recipients", order="desc")["next_cursor"]
    response = client.get(
        "/v1/recipients", params={"cursor": cursor, "order": "asc"}, headers=caller.headers
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "cursor" and "order=desc" in error["message"]
