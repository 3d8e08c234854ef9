"""Syncing the directory from its public sources, against recorded answers of the
House of Commons' open data and of Represent served on loopback: dry run, apply, re-run,
the shuffle of 2023 to 2025, the retirement guard, fields kept by hand, webhooks."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.directory import jobs
from app.directory.models import DirectorySync, DirectorySyncFailure
from app.settings import Settings
from app.webhooks.models import WebhookEvent
from tests.conftest import Caller, MakeCaller
from tests.directory_feeds import (
    MEMBERS_2023,
    MEMBERS_2025,
    ROLES_2023,
    ROLES_2025,
    Feeds,
    feed_server,
    members,
    representative,
    roles,
)


@pytest.fixture
def feeds(settings: Settings) -> Iterator[Feeds]:
    with feed_server() as served:
        served.configure(settings)
        yield served


def sync(client: TestClient, caller: Caller, source: str, **options: Any) -> Any:
    return client.post(
        "/v1/directory/sync", json={"source": source, **options}, headers=caller.headers
    )


def holders(client: TestClient, caller: Caller, role: str, on: str | None = None) -> list[str]:
    params = {"role": role} | ({"role_on": on} if on else {})
    answer = client.get("/v1/recipients", params=params, headers=caller.headers)
    return [r["display_name"] for r in answer.json()["items"]]


def all_recipients(client: TestClient, caller: Caller) -> list[dict[str, Any]]:
    answer = client.get("/v1/recipients", params={"limit": 500}, headers=caller.headers)
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_a_house_of_commons_sync_plans_applies_and_then_finds_nothing_to_change(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    feeds.serve_house(members(MEMBERS_2025), roles(ROLES_2025))
    dry = sync(client, caller, "house-of-commons", dry_run=True)
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["applied"] is False
    assert dry.json()["counts"]["created"] == 343
    assert all_recipients(client, caller) == []  # a dry run changes nothing

    applied = sync(client, caller, "house-of-commons").json()
    assert applied["applied"] is True and applied["id"].startswith("syn_")
    assert applied["counts"]["created"] == 343
    started = {(r["name"], r["title_en"]) for r in applied["diff"]["roles_started"]}
    assert ("Anita Anand", "Minister of Foreign Affairs") in started
    assert holders(client, caller, "Minister of Foreign Affairs") == ["Anita Anand"]
    assert holders(client, caller, "Prime Minister") == ["Mark Carney"]
    anand = next(r for r in all_recipients(client, caller) if r["display_name"] == "Anita Anand")
    assert anand["source"] == "house-of-commons" and anand["post_nominals"] == "P.C., M.P."
    assert anand["addresses"][0]["postal_code"] == "K1A 0A6"

    again = sync(client, caller, "house-of-commons").json()
    assert again["counts"] == {
        "created": 0, "updated": 0, "unchanged": 343, "retired": 0,
        "roles_started": 0, "roles_ended": 0,
    }  # fmt: skip

    status = client.get("/v1/directory/status", headers=caller.headers).json()
    (house,) = status["sources"]
    assert house["source"] == "house-of-commons" and house["recipients"] == 343
    assert house["url"] == f"{feeds.url}/members.xml"
    assert house["newest_fact"] == "2026-07-24"


def test_the_shuffle_from_2023_to_2025_stops_at_the_guard_until_forced(
    client: TestClient, caller: Caller, feeds: Feeds, session: Session
) -> None:
    feeds.serve_house(members(MEMBERS_2023), roles(ROLES_2023))
    assert sync(client, caller, "house-of-commons").json()["counts"]["created"] == 337
    assert holders(client, caller, "Prime Minister") == ["Justin Trudeau"]
    assert holders(client, caller, "Minister of Foreign Affairs") == ["Mélanie Joly"]

    feeds.serve_house(members(MEMBERS_2025), roles(ROLES_2025))
    planned = sync(client, caller, "house-of-commons", dry_run=True).json()
    retiring = planned["counts"]["retired"]
    assert retiring > 337 * 0.2  # an election: more than the guard lets through unasked
    assert "would retire" in planned["stopped"]
    stopped = sync(client, caller, "house-of-commons")
    assert stopped.status_code == 409
    assert stopped.json()["type"] == "/problems/sync-stopped"
    assert stopped.json()["report"]["counts"]["retired"] == retiring
    assert holders(client, caller, "Prime Minister") == ["Justin Trudeau"]  # nothing changed

    forced = sync(client, caller, "house-of-commons", force=True).json()
    assert forced["applied"] is True and forced["forced"] is True
    assert forced["counts"]["retired"] == retiring
    retired = {r["name"] for r in forced["diff"]["retired"]}
    assert "Justin Trudeau" in retired
    assert holders(client, caller, "Prime Minister") == ["Mark Carney"]
    assert holders(client, caller, "Minister of Foreign Affairs") == ["Anita Anand"]
    ended = {(r["name"], r["title_en"]) for r in forced["diff"]["roles_ended"]}
    assert ("Mélanie Joly", "Minister of Foreign Affairs") in ended


def test_a_feed_answering_half_the_house_stops_and_changes_nothing(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    house = members(MEMBERS_2025)
    feeds.serve_house(house, roles(ROLES_2025))
    sync(client, caller, "house-of-commons")
    feeds.serve_house(house[: len(house) // 2], roles(ROLES_2025))
    stopped = sync(client, caller, "house-of-commons")
    assert stopped.status_code == 409
    problem = stopped.json()
    assert (
        problem["type"] == "/problems/sync-stopped"
        and "172 of the source's 343" in problem["detail"]
    )
    assert len([r for r in all_recipients(client, caller) if not r["retired"]]) == 343


def test_fields_edited_by_hand_are_kept_by_a_sync(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    feeds.serve_house(members(MEMBERS_2025), roles(ROLES_2025))
    sync(client, caller, "house-of-commons")
    anand = next(r for r in all_recipients(client, caller) if r["display_name"] == "Anita Anand")
    edited = client.patch(
        f"/v1/recipients/{anand['id']}",
        json={"party": "Liberal Party of Canada", "salutation_override": "Dear Anita"},
        headers=caller.headers,
    ).json()
    assert edited["locked_fields"] == ["party", "salutation_override"]
    renamed = [
        member | {"party": "Independent"} if member["lastName"] == "Anand" else member
        for member in members(MEMBERS_2025)
    ]
    feeds.serve_house(renamed, roles(ROLES_2025))
    report = sync(client, caller, "house-of-commons").json()
    assert report["counts"]["updated"] == 0
    kept = client.get(f"/v1/recipients/{anand['id']}", headers=caller.headers).json()
    assert (kept["party"], kept["salutation_override"]) == ("Liberal Party of Canada", "Dear Anita")
    # released, the source's value comes back
    client.patch(
        f"/v1/recipients/{anand['id']}", json={"locked_fields": []}, headers=caller.headers
    )
    assert sync(client, caller, "house-of-commons").json()["counts"]["updated"] == 1
    back = client.get(f"/v1/recipients/{anand['id']}", headers=caller.headers).json()
    assert back["party"] == "Independent"


def test_a_sync_that_changes_something_is_announced_to_webhooks(
    client: TestClient, caller: Caller, feeds: Feeds, settings: Settings, session: Session
) -> None:
    settings.webhook_allow_private_addresses = True
    body = {"url": f"{feeds.url}/hook", "events": ["directory.synced"]}
    assert client.post("/v1/webhooks", json=body, headers=caller.headers).status_code == 201
    feeds.serve_house(members(MEMBERS_2025), roles(ROLES_2025))
    report = sync(client, caller, "house-of-commons").json()
    sync(client, caller, "house-of-commons")  # nothing changes: nothing to announce
    (event,) = session.scalars(
        select(WebhookEvent).where(WebhookEvent.organisation_id == caller.organisation_id)
    )
    sent = json.loads(event.body)
    assert sent["type"] == "directory.synced"
    assert sent["data"]["id"] == report["id"] and sent["data"]["counts"]["created"] == 343


def test_a_represent_set_is_read_page_by_page_with_photos_and_offices(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    house = members(MEMBERS_2025)
    objects = [representative(member) for member in house]
    objects[0]["gender"] = "M"
    feeds.serve_represent("house-of-commons", objects, limit=100)  # the limit the sync asks
    report = sync(client, caller, "represent:house-of-commons").json()
    assert report["counts"]["created"] == 343
    assert [path for path in feeds.requested if "representatives" in path] == [
        "/representatives/house-of-commons/?limit=100",
        "/representatives/house-of-commons/?limit=100&offset=100",
        "/representatives/house-of-commons/?limit=100&offset=200",
        "/representatives/house-of-commons/?limit=100&offset=300",
    ]
    first = next(
        r for r in all_recipients(client, caller) if r["external_id"] == house[0]["id"]
    )  # keyed by the House of Commons id in the member's ourcommons.ca address
    assert first["gender"] == "male" and first["photo_url"] == house[0]["photoUrl"]
    assert first["addresses"][0]["postal_code"] == "K1A 0A6"
    assert first["source"] == "represent:house-of-commons"


def test_a_next_page_on_another_host_is_refused(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    objects = [representative(member) for member in members(MEMBERS_2025)[:3]]
    feeds.serve_represent("house-of-commons", objects, limit=100)
    first = "/representatives/house-of-commons/?limit=100"
    page = json.loads(feeds.answers[first])
    page["meta"]["next"] = "http://192.0.2.1/representatives/house-of-commons/?offset=2"
    feeds.answers[first] = json.dumps(page).encode()
    answer = sync(client, caller, "represent:house-of-commons")
    assert answer.status_code == 503 and "another host" in answer.json()["detail"]
    assert all_recipients(client, caller) == []


@pytest.mark.parametrize(
    "source", ["represent:../../admin", "represent:", "elsewhere", "represent:a/b"]
)
def test_an_unknown_source_is_refused_naming_the_field(
    client: TestClient, caller: Caller, source: str
) -> None:
    answer = sync(client, caller, source)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "source"


def test_an_xml_feed_with_a_doctype_is_refused(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    feeds.serve_house(members(MEMBERS_2025)[:3], roles(ROLES_2025))
    feeds.answers["/members.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ArrayOfMemberOfParliament />'
    )
    answer = sync(client, caller, "house-of-commons")
    assert answer.status_code == 503 and "DOCTYPE" in answer.json()["detail"]


def test_the_scheduled_sync_keeps_the_configured_sources_current_once_per_interval(
    client: TestClient, caller: Caller, feeds: Feeds, settings: Settings, session: Session
) -> None:
    feeds.serve_house(members(MEMBERS_2025), roles(ROLES_2025))
    settings.sync_organisation_id = caller.organisation_id
    assert jobs.due_sources(session, settings) == []  # no source configured, none synced
    settings.sync_house_of_commons = True
    (report,) = jobs.run_directory_sync(session, settings)
    assert report.applied and report.counts.created == 343
    assert jobs.run_directory_sync(session, settings) == []  # done for this interval
    settings.sync_interval_hours = 0
    (again,) = jobs.run_directory_sync(session, settings)
    assert again.counts.unchanged == 343


def test_the_scheduled_sync_keeps_every_organisations_synced_sources_current(
    client: TestClient, caller: Caller, make_caller: MakeCaller, feeds: Feeds,
    settings: Settings, session: Session,
) -> None:  # fmt: skip
    """No setting names these organisations: each synced from a feed once (by API), and
    the schedule keeps each of them current from then on, one failing without stopping
    the others, and its failure recorded."""
    house = members(MEMBERS_2025)
    feeds.serve_house(house, roles(ROLES_2025))
    feeds.serve_represent("ontario-legislature", [representative(m) for m in house[:3]], 100)
    feeds.serve_represent("gone-council", [representative(m) for m in house[3:5]], 100)
    ontario, gone = make_caller(), make_caller()
    assert sync(client, caller, "house-of-commons").status_code == 200
    assert sync(client, ontario, "represent:ontario-legislature").status_code == 200
    assert sync(client, gone, "represent:gone-council").status_code == 200
    assert jobs.run_directory_sync(session, settings) == []  # all synced this interval

    for path in [p for p in feeds.answers if "gone-council" in p]:
        del feeds.answers[path]  # that feed now answers 404
    feeds.serve_represent("ontario-legislature", [representative(m) for m in house[:4]], 100)
    settings.sync_interval_hours = 0
    reports = jobs.run_directory_sync(session, settings)
    by_source = {(r.source, r.counts.created, r.counts.unchanged) for r in reports}
    assert by_source == {("house-of-commons", 0, 343), ("represent:ontario-legislature", 1, 3)}
    scheduled = session.scalars(
        select(DirectorySync.organisation_id).where(DirectorySync.requested_by == jobs.REQUESTED_BY)
    ).all()
    assert sorted(scheduled) == sorted([caller.organisation_id, ontario.organisation_id])
    (failure,) = session.scalars(select(DirectorySyncFailure)).all()
    assert (failure.organisation_id, failure.source) == (
        gone.organisation_id,
        "represent:gone-council",
    )
    assert "gone-council" in failure.error
    # A failure counts for the interval too: the failing feed is not asked at every look.
    settings.sync_interval_hours = 24
    assert jobs.due_sources(session, settings) == []
