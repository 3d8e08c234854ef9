"""One campaign, named one way or the other: every campaign path takes its `cmp_` id or
its slug, and a slug that has been public cannot be renamed away from its action page."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def test_every_campaign_path_takes_the_id_or_the_slug(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    for name in (campaign["id"], "rescind-stca"):
        shown = client.get(f"/v1/campaigns/{name}", headers=caller.headers)
        assert shown.status_code == 200, shown.text
        assert shown.json()["id"] == campaign["id"]
        preview = client.post(
            f"/v1/campaigns/{name}/preview", json=action_body(), headers=caller.headers
        )
        assert preview.status_code == 200, preview.text
        stats = client.get(f"/v1/campaigns/{name}/stats")
        assert stats.status_code == 200, stats.text
        assert (stats.json()["campaign"], stats.json()["campaign_id"]) == (
            "rescind-stca", campaign["id"],
        )  # fmt: skip
        changed = client.patch(f"/v1/campaigns/{name}", json={"goal": 500}, headers=caller.headers)
        assert changed.status_code == 200, changed.text
    taken = client.post(f"/v1/campaigns/{campaign['id']}/actions", json=action_body())
    assert taken.status_code == 201, taken.text
    assert (taken.json()["campaign"], taken.json()["campaign_id"]) == (
        "rescind-stca", campaign["id"],
    )  # fmt: skip


def test_another_organisations_slug_is_not_found(
    client: TestClient, make_caller: MakeCaller, campaign: dict[str, Any]
) -> None:
    stranger = make_caller()
    assert client.get("/v1/campaigns/rescind-stca", headers=stranger.headers).status_code == 404


def test_a_public_campaigns_slug_cannot_be_renamed(
    client: TestClient, caller: Caller, campaign: dict[str, Any]
) -> None:
    renamed = client.patch(
        f"/v1/campaigns/{campaign['id']}", json={"slug": "another"}, headers=caller.headers
    )
    assert renamed.status_code == 409, renamed.text
    assert renamed.json()["errors"][0]["field"] == "slug"
    assert client.get("/c/rescind-stca").status_code == 200
    draft = make_campaign(client, caller, slug="draft-one", status="draft")
    moved = client.patch(
        f"/v1/campaigns/{draft['id']}", json={"slug": "draft-two"}, headers=caller.headers
    )
    assert moved.status_code == 200 and moved.json()["slug"] == "draft-two"
