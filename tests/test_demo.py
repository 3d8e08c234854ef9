"""The demo organisation: the real House of Commons, cabinet roles, postal-code table."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.demo.service import load_demo
from app.settings import Settings
from tests.conftest import Caller


def demo_caller(session: Session, settings: Settings) -> Caller:
    report = load_demo(session, settings)
    return Caller(report.organisation_id, report.key)


def test_the_demo_loads_every_member_with_offices_and_roles(
    client: TestClient, session: Session, settings: Settings
) -> None:
    report = load_demo(session, settings)
    assert report.recipients.counts.created == 337
    caller = Caller(report.organisation_id, report.key)
    page = client.get("/v1/recipients", params={"q": "joly"}, headers=caller.headers).json()
    (joly,) = page["items"]
    assert joly["honorific"] == "The Honourable"
    assert joly["post_nominals"] == "P.C., M.P."
    assert joly["email"] == "melanie.joly@parl.gc.ca"
    assert {a["kind"] for a in joly["addresses"]} == {"legislature", "constituency"}
    hill = next(a for a in joly["addresses"] if a["kind"] == "legislature")
    assert (hill["lines"], hill["city"], hill["postal_code"]) == (
        ["House of Commons"],
        "Ottawa",
        "K1A 0A6",
    )
    trudeau = client.get(
        "/v1/recipients", params={"role": "Prime Minister"}, headers=caller.headers
    )
    assert trudeau.json()["items"][0]["honorific"] == "The Right Honourable"


def test_loading_the_demo_twice_changes_nothing(
    client: TestClient, session: Session, settings: Settings
) -> None:
    first = load_demo(session, settings)
    second = load_demo(session, settings)
    assert second.organisation_id == first.organisation_id
    assert second.key == first.key and second.key_source == "file"
    assert second.recipients.counts.unchanged == 337
    assert second.recipients.counts.created == second.recipients.counts.updated == 0
    assert second.postal_codes.unchanged is True


def test_the_demo_key_is_kept_private_on_disk(session: Session, settings: Settings) -> None:
    load_demo(session, settings)
    assert settings.demo_key_file.stat().st_mode & 0o777 == 0o600


def test_a_demo_key_given_in_settings_is_the_demo_key(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.demo_api_key = "ld_demo-key-for-a-workshop"
    report = load_demo(session, settings)
    assert report.key_source == "set"
    caller = Caller(report.organisation_id, "ld_demo-key-for-a-workshop")
    assert client.get("/v1/recipients", headers=caller.headers).status_code == 200
    assert load_demo(session, settings).key == "ld_demo-key-for-a-workshop"


def test_the_minister_of_foreign_affairs_is_resolved_by_date(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = demo_caller(session, settings)
    role = {"role": "Minister of Foreign Affairs"}
    now = client.get("/v1/recipients", params=role, headers=caller.headers).json()["items"]
    then = client.get(
        "/v1/recipients", params=role | {"role_on": "2018-01-01"}, headers=caller.headers
    ).json()["items"]
    assert [r["display_name"] for r in now] == ["Mélanie Joly"]
    assert [r["display_name"] for r in then] == ["Chrystia Freeland"]


def test_a_constituency_office_postal_code_finds_its_mp(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = demo_caller(session, settings)
    response = client.get(
        "/v1/districts/lookup", params={"postal_code": "t5a1b7"}, headers=caller.headers
    )
    (district,) = response.json()["districts"]
    assert district["name"] == "Edmonton Manning"
    assert [r["display_name"] for r in district["representatives"]] == ["Ziad Aboultaif"]


def test_the_shipped_data_keeps_its_provenance_beside_it() -> None:
    data = Path(__file__).parent.parent / "app" / "demo" / "data"
    assert "ourcommons.ca" in (data / "PROVENANCE.md").read_text()


def test_the_demo_campaigns_write_to_the_minister_and_the_mp_in_their_own_terms(
    client: TestClient, session: Session, settings: Settings
) -> None:
    demo_caller(session, settings)
    body = {
        "supporter": {
            "first_name": "Amélie", "last_name": "Tremblay", "email": "amelie@example.org",
            "street_address": "24 Rue Principale", "city": "Edmonton", "province": "AB",
            "postal_code": "T5A 1B7",
        },
        "language": "en",
        "intro": "I am a nurse in Edmonton and I have worked with refugee families.",
    }  # fmt: skip
    for slug in ("refugees-in-mexico", "rescind-safe-third-country", "dont-help-close-the-door"):
        response = client.post(f"/v1/campaigns/{slug}/actions", json=body)
        assert response.status_code == 201, response.text
        minister, mp = response.json()["letters"]
        assert minister["salutation"] == "Dear Minister:"
        assert "constituents" not in minister["body_text"]
        assert mp["subject"].startswith("A constituent asks you")
        assert "I am one of your constituents in Edmonton Manning." in mp["body_text"]
        assert "As my Member of Parliament, I ask you" in mp["body_text"]
        assert "telling me where you stand." in mp["body_text"]
        assert minister["subject"] != mp["subject"]
