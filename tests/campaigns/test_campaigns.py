"""Campaigns through the API: what they say, in which languages, to whom, and how."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.auth.scopes import Scope
from tests.campaign_data import campaign_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller


def test_a_campaign_reads_back_as_it_was_made(client: TestClient, caller: Caller) -> None:
    created = make_campaign(client, caller)
    assert created["id"].startswith("cmp_")
    assert created["must_write"] == ["intro"]
    assert created["action_count"] == created["letter_count"] == 0
    read = client.get(f"/v1/campaigns/{created['id']}", headers=caller.headers).json()
    assert read == created
    listed = client.get("/v1/campaigns", params={"status": "live"}, headers=caller.headers)
    assert [c["slug"] for c in listed.json()["items"]] == ["rescind-stca"]


def test_every_language_needs_its_texts(client: TestClient, caller: Caller) -> None:
    body = campaign_body(subject={"en": "Only English"})
    response = client.post("/v1/campaigns", json=body, headers=caller.headers)
    assert response.status_code == 422
    assert "subject.fr" in response.json()["errors"][0]["message"]


def test_a_part_the_supporter_must_write_needs_no_default(
    client: TestClient, caller: Caller
) -> None:
    body = campaign_body(must_write=["concern"], concern={})
    response = client.post("/v1/campaigns", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    assert response.json()["must_write"] == ["intro", "concern"]


def test_a_slug_names_one_campaign_anywhere(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    make_campaign(client, caller)
    other = make_caller()
    response = client.post("/v1/campaigns", json=campaign_body(), headers=other.headers)
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "slug"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"languages": ["de"]}, "languages.0"),
        ({"targets": []}, "targets"),
        ({"targets": [{"type": "senate"}]}, "targets.0"),
        ({"channels": ["fax"]}, "channels.0"),
        ({"status": "published"}, "status"),
        ({"goal": 0}, "goal"),
        ({"title": {"en": "Line\nbreak", "fr": "x"}}, "title.en"),
        ({"may_edit": ["intro"]}, "may_edit.0"),
    ],
)
def test_bad_campaigns_are_422_naming_the_field(
    client: TestClient, caller: Caller, changes: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/campaigns", json=campaign_body(**changes), headers=caller.headers)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


def test_a_named_recipient_must_be_in_the_organisations_directory(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    other = make_caller()
    theirs = make_directory(client, other)["joly"]
    targets = [{"type": "recipient", "recipient_id": theirs}]
    response = client.post(
        "/v1/campaigns", json=campaign_body(targets=targets), headers=caller.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "targets.0.recipient_id"
    mine = make_directory(client, caller)["joly"]
    targets = [{"type": "recipient", "recipient_id": mine}]
    response = client.post(
        "/v1/campaigns", json=campaign_body(targets=targets), headers=caller.headers
    )
    assert response.status_code == 201


def test_an_organisations_template_is_checked_when_saved(
    client: TestClient, caller: Caller
) -> None:
    template = {"en": "{{ salutation }}\n\n{{ intro }}", "fr": "{{ ''.__class__.__mro__ }}"}
    response = client.post(
        "/v1/campaigns", json=campaign_body(template_text=template), headers=caller.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "template_text.fr"
    template["fr"] = "{{ salutation }}\n\n{{ intro }}"
    response = client.post(
        "/v1/campaigns", json=campaign_body(template_text=template), headers=caller.headers
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "hostile",
    [
        "{% if intro %}" * 99 + "x" + "{% endif %}" * 99,
        "{{ " + "(" * 100 + "intro" + ")" * 100 + " }}",
        "{{ " + "not " * 1000 + "intro }}",
        "{{ intro" + "|trim" * 1000 + " }}",
        "{{ lipsum }}",
        "{{ range }}",
        "{{ namespace }}",
    ],
)
def test_a_template_nested_too_deeply_or_printing_internals_is_a_422_on_its_field(
    client: TestClient, caller: Caller, hostile: str
) -> None:
    template = {"en": "{{ intro }}", "fr": hostile}
    response = client.post(
        "/v1/campaigns", json=campaign_body(template_text=template), headers=caller.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "template_text.fr"
    created = make_campaign(client, caller)
    response = client.patch(
        f"/v1/campaigns/{created['id']}",
        json={"template_text": {"en": hostile, "fr": "{{ intro }}"}},
        headers=caller.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "template_text.en"


def test_patch_changes_what_it_sends_and_keeps_the_campaign_whole(
    client: TestClient, caller: Caller
) -> None:
    created = make_campaign(client, caller)
    url = f"/v1/campaigns/{created['id']}"
    changed = client.patch(url, json={"status": "closed", "goal": 500}, headers=caller.headers)
    assert changed.status_code == 200
    assert (changed.json()["status"], changed.json()["goal"]) == ("closed", 500)
    assert changed.json()["title"] == created["title"]
    broken = client.patch(
        url, json={"languages": ["en", "fr"], "ask": {"en": "x"}}, headers=caller.headers
    )
    assert broken.status_code == 422
    assert client.get(url, headers=caller.headers).json()["ask"] == created["ask"]


def test_campaigns_need_their_scopes_and_stay_in_their_organisation(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    created = make_campaign(client, caller)
    reader = make_caller([Scope.CAMPAIGNS_READ], organisation_id=caller.organisation_id)
    assert client.get(f"/v1/campaigns/{created['id']}", headers=reader.headers).status_code == 200
    assert (
        client.post(
            "/v1/campaigns", json=campaign_body(slug="x-y"), headers=reader.headers
        ).status_code
        == 403
    )
    directory_only = make_caller([Scope.DIRECTORY_WRITE])
    assert client.get("/v1/campaigns", headers=directory_only.headers).status_code == 403
    other = make_caller()
    assert client.get(f"/v1/campaigns/{created['id']}", headers=other.headers).status_code == 404
    patched = client.patch(
        f"/v1/campaigns/{created['id']}", json={"goal": 1}, headers=other.headers
    )
    assert patched.status_code == 404


def test_a_campaign_whose_named_recipient_left_can_still_be_closed(
    client: TestClient, caller: Caller
) -> None:
    joly = make_directory(client, caller)["joly"]
    targets = [{"type": "recipient", "recipient_id": joly}]
    created = make_campaign(client, caller, targets=targets)
    client.delete(f"/v1/recipients/{joly}", headers=caller.headers)
    closed = client.patch(
        f"/v1/campaigns/{created['id']}", json={"status": "closed"}, headers=caller.headers
    )
    assert closed.status_code == 200, closed.text
