"""Roles are portfolios: a campaign aimed at a role follows it across retitlings, one
person under two titles is one holder, and two people holding one portfolio at once is
reported as a data problem."""

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.demo.service import load_demo
from app.directory.portfolios import portfolio_of
from app.letters.service import role_targets
from app.settings import Settings
from tests.conftest import Caller
from tests.directory_feeds import MEMBERS_2025, ROLES_2025, Feeds, feed_server, members, roles


def names(client: TestClient, caller: Caller, role: str, on: str | None = None) -> list[str]:
    params = {"role": role} | ({"role_on": on} if on else {})
    answer = client.get("/v1/recipients", params=params, headers=caller.headers)
    return [r["display_name"] for r in answer.json()["items"]]


@pytest.fixture
def demo(session: Session, settings: Settings) -> Caller:
    report = load_demo(session, settings)
    return Caller(report.organisation_id, report.key)


def test_the_minister_of_foreign_affairs_is_followed_across_the_retitling(
    client: TestClient, demo: Caller
) -> None:
    assert names(client, demo, "Minister of Foreign Affairs", "2025-04-01") == ["Mélanie Joly"]
    assert names(client, demo, "Minister of Foreign Affairs") == ["Anita Anand"]
    old_title = "Minister of Foreign Affairs and International Development"
    assert names(client, demo, old_title) == ["Anita Anand"]
    assert names(client, demo, "ministre des affaires étrangères", "2025-04-01") == ["Mélanie Joly"]


def test_a_campaign_aimed_at_the_role_writes_to_the_holder_under_the_title_then_held(
    session: Session, demo: Caller
) -> None:
    (then,) = role_targets(
        session, demo.organisation_id, "Minister of Foreign Affairs", date(2025, 4, 1)
    )
    assert (then.recipient.last_name, then.role_en) == (
        "Joly",
        "Minister of Foreign Affairs and International Development",
    )
    (now,) = role_targets(
        session, demo.organisation_id, "Minister of Foreign Affairs", date(2026, 1, 5)
    )
    assert (now.recipient.last_name, now.role_en) == ("Anand", "Minister of Foreign Affairs")


def test_one_person_under_two_titles_of_a_portfolio_is_one_holder_in_the_newest(
    session: Session, demo: Caller
) -> None:
    # the ministry lists Champagne as "Minister of Finance" with no end date beside
    # "Minister of Finance and National Revenue" from 2025-05-13
    (holder,) = role_targets(session, demo.organisation_id, "Minister of Finance", date(2026, 1, 5))
    assert (holder.recipient.last_name, holder.role_en) == (
        "Champagne",
        "Minister of Finance and National Revenue",
    )
    assert portfolio_of("Minister of Finance") == portfolio_of(
        "minister of finance and national revenue"
    )
    assert portfolio_of("Minister of Health") == "title:minister of health"


@pytest.fixture
def feeds(settings: Settings) -> Iterator[Feeds]:
    with feed_server() as served:
        served.configure(settings)
        yield served


def test_a_portfolio_two_people_hold_at_once_is_reported_not_guessed(
    client: TestClient, caller: Caller, feeds: Feeds
) -> None:
    ministry = roles(ROLES_2025)
    for row in ministry:  # Joly's retitled role, left open by the source
        if row["role_en"] == "Minister of Foreign Affairs and International Development":
            row["end_date"] = ""
    feeds.serve_house(members(MEMBERS_2025), ministry)
    answer = client.post(
        "/v1/directory/sync", json={"source": "house-of-commons"}, headers=caller.headers
    )
    problems = answer.json()["problems"]
    (problem,) = [p for p in problems if "Foreign Affairs" in p["title_en"]]
    assert problem["kind"] == "role_held_twice" and len(problem["holders"]) == 2
    status = client.get("/v1/directory/status", headers=caller.headers).json()
    assert problem in status["sources"][0]["problems"]
