"""Slugs are unique in an organisation, not across all of them; a published campaign's
slug stays unique across all, as the public pages (/c/{slug}) name it by slug alone."""

from typing import Any

from fastapi.testclient import TestClient

from tests.campaign_data import campaign_body
from tests.conftest import Caller, MakeCaller

OWN_MP = [{"type": "own_mp"}]


def create(client: TestClient, caller: Caller, **changes: Any) -> Any:
    body = campaign_body(targets=OWN_MP, **changes)
    return client.post("/v1/campaigns", json=body, headers=caller.headers)


def test_two_organisations_draft_campaigns_with_the_same_slug(
    client: TestClient, make_caller: MakeCaller
) -> None:
    first, second = make_caller(), make_caller()
    ids = []
    for caller in (first, second):
        response = create(client, caller, status="draft")
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    for caller, campaign_id in zip((first, second), ids, strict=True):
        shown = client.get("/v1/campaigns/rescind-stca", headers=caller.headers)
        assert shown.status_code == 200, shown.text
        assert shown.json()["id"] == campaign_id
    # A draft is not public: no page answers for either.
    assert client.get("/v1/campaigns/rescind-stca/stats").status_code == 404


def test_a_slug_is_taken_once_in_an_organisation(client: TestClient, caller: Caller) -> None:
    assert create(client, caller, status="draft").status_code == 201
    again = create(client, caller, status="draft")
    assert again.status_code == 409, again.text
    assert again.json()["type"] == "/problems/slug-taken"
    assert again.json()["errors"] == [{"field": "slug", "in": "body", "message": "is taken"}]


def test_a_published_slug_is_taken_for_every_organisation_on_the_public_pages(
    client: TestClient, make_caller: MakeCaller
) -> None:
    owner, other, third = make_caller(), make_caller(), make_caller()
    live = create(client, owner, status="live")
    assert live.status_code == 201, live.text
    draft = create(client, other, status="draft")
    assert draft.status_code == 201, draft.text
    for attempt in (
        client.patch(
            f"/v1/campaigns/{draft.json()['id']}", json={"status": "live"}, headers=other.headers
        ),
        create(client, third, status="live"),
    ):
        assert attempt.status_code == 409, attempt.text
        [error] = attempt.json()["errors"]
        assert (error["field"], error["message"]) == ("slug", "is taken on the public pages")
    # The public pages and the actions endpoint still name the published one.
    stats = client.get("/v1/campaigns/rescind-stca/stats")
    assert stats.status_code == 200 and stats.json()["campaign_id"] == live.json()["id"]
    assert client.get("/c/rescind-stca").status_code == 200
    # The other organisation's draft keeps its slug, and is found by it with its key.
    shown = client.get("/v1/campaigns/rescind-stca", headers=other.headers)
    assert shown.json()["id"] == draft.json()["id"]
