"""A campaign's supporters in the console: shown and exported (the opt-in list as CSV,
safe to open in a spreadsheet) to owners and editors only, one person's data exported
and erased as the API does, and another organisation's campaign a 404."""

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.console import service
from app.console.router import COOKIE
from app.console.supporters import spreadsheet_safe
from app.letters.models import Action
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller


def sign_in_as(
    client: TestClient, settings: Settings, organisation_id: str, email: str, role: str
) -> None:
    with client.app.state.sessionmaker() as db:  # type: ignore[attr-defined]
        service.add_user(db, organisation_id, email, role)
        db.commit()
        link = service.request_sign_in(db, email, settings)
        assert link is not None
        opened = service.open_session(
            db, link.id, service.link_token(settings, link.id), "test", settings
        )
    client.cookies.set(COOKIE, opened.cookie)


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, str]:
    make_directory(client, caller)
    made = make_campaign(client, caller)
    for email, consent, street in (
        ("yes@example.org", True, '=HYPERLINK("http://evil.example") Street'),
        ("no@example.org", False, "24 Main Street"),
    ):
        body = action_body(supporter={"email": email, "street_address": street})
        body["consent_to_contact"] = consent
        answer = client.post(f"/v1/campaigns/{made['slug']}/actions", json=body)
        assert answer.status_code in (201, 202), answer.text
    return made


def test_an_editor_sees_and_exports_the_opt_in_list(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, str]
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "editor@example.org", "editor")
    home = client.get("/console")
    assert f"/console/campaigns/{campaign['id']}/supporters" in home.text
    page = client.get(f"/console/campaigns/{campaign['id']}/supporters")
    assert page.status_code == 200
    assert "yes@example.org" in page.text and "no@example.org" in page.text
    only_yes = client.get(f"/console/campaigns/{campaign['id']}/supporters?consent=yes")
    assert "yes@example.org" in only_yes.text and "no@example.org" not in only_yes.text

    exported = client.get(f"/console/campaigns/{campaign['id']}/supporters.csv")
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["email"] for row in rows] == ["yes@example.org"]
    assert rows[0]["consent_to_contact"] == "yes"
    # A cell a spreadsheet would run as a formula is written as text.
    assert rows[0]["street_address"].startswith("'=")
    everyone = client.get(f"/console/campaigns/{campaign['id']}/supporters.csv?consent=all")
    assert len(list(csv.DictReader(io.StringIO(everyone.text)))) == 2


def test_a_viewer_sees_no_personal_data(
    client: TestClient, settings: Settings, caller: Caller, campaign: dict[str, str]
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "viewer@example.org", "viewer")
    assert "supporters" not in client.get("/console").text.lower().split("<main")[1]
    for path in (
        f"/console/campaigns/{campaign['id']}/supporters",
        f"/console/campaigns/{campaign['id']}/supporters.csv",
        "/console/supporters",
        "/console/supporters/export?email=yes@example.org",
    ):
        answer = client.get(path)
        assert answer.status_code == 403 and "yes@example.org" not in answer.text, path
    page = client.get("/console/sessions")
    csrf = re.search(r'name="csrf" value="(\w+)"', page.text)
    assert csrf
    erase = client.post(
        "/console/supporters/erase", data={"csrf": csrf[1], "email": "yes@example.org"}
    )
    assert erase.status_code == 403


def test_another_organisations_campaign_is_not_found(
    client: TestClient,
    settings: Settings,
    make_caller: MakeCaller,
    campaign: dict[str, str],
) -> None:
    other = make_caller()
    sign_in_as(client, settings, other.organisation_id, "other@example.org", "owner")
    for path in (
        f"/console/campaigns/{campaign['id']}/supporters",
        f"/console/campaigns/{campaign['slug']}/supporters.csv?consent=all",
    ):
        answer = client.get(path)
        assert answer.status_code == 404 and "example.org" not in answer.text.replace(
            "other@example.org", ""
        ), path
    exported = client.get("/console/supporters/export?email=yes@example.org")
    assert exported.json()["actions"] == []


def test_an_owner_exports_and_erases_one_person(
    client: TestClient,
    settings: Settings,
    session: Session,
    caller: Caller,
    campaign: dict[str, str],
) -> None:
    sign_in_as(client, settings, caller.organisation_id, "owner@example.org", "owner")
    exported = client.get("/console/supporters/export?email=no@example.org")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    assert [a["email"] for a in exported.json()["actions"]] == ["no@example.org"]

    page = client.get("/console/supporters")
    csrf = re.search(r'name="csrf" value="(\w+)"', page.text)
    assert csrf
    assert (
        client.post("/console/supporters/erase", data={"email": "no@example.org"}).status_code
        == 403
    )
    erased = client.post(
        "/console/supporters/erase", data={"csrf": csrf[1], "email": "no@example.org"}
    )
    assert erased.status_code == 200 and "Erased for no@example.org: 1 actions" in erased.text
    action = session.scalars(select(Action).where(Action.email_key.like("%no@%"))).first()
    assert action is None or action.scrubbed_at is not None
    listed = client.get(f"/console/campaigns/{campaign['id']}/supporters")
    assert "no@example.org" not in listed.text


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("plain", "plain"),
    ],
)
def test_a_formula_is_written_as_text(cell: str, written: str) -> None:
    assert spreadsheet_safe(cell) == written
