"""The demo organisation: the real House of Commons (45th Parliament), the Carney
ministry's roles, the approximate postal table."""

import email.policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey
from app.auth.service import generate_key
from app.console.models import User
from app.demo.service import (
    MEMBERS_2023_FILE,
    ROLES_2023_FILE,
    _demo_organisation,
    load_demo,
    member_records,
)
from app.directory import importer
from app.settings import API_KEY_FORMAT, Settings
from tests.conftest import Caller
from tests.delivery_data import deliver_all


def demo_caller(session: Session, settings: Settings) -> Caller:
    report = load_demo(session, settings)
    return Caller(report.organisation_id, report.key)


def test_the_demo_loads_the_current_house_with_hill_offices_photos_and_roles(
    client: TestClient, session: Session, settings: Settings
) -> None:
    report = load_demo(session, settings)
    assert report.recipients.counts.created == 343
    caller = Caller(report.organisation_id, report.key)
    page = client.get("/v1/recipients", params={"q": "anand"}, headers=caller.headers).json()
    (anand,) = [r for r in page["items"] if r["first_name"] == "Anita"]
    assert anand["honorific"] == "The Honourable"
    assert anand["post_nominals"] == "P.C., M.P."
    assert anand["district"]["name"] == "Oakville East"
    assert anand["photo_url"].startswith("https://www.ourcommons.ca/")
    assert anand["external_id"].isdigit()  # the House of Commons person id
    (hill,) = anand["addresses"]
    assert (hill["kind"], hill["lines"], hill["city"], hill["postal_code"]) == (
        "legislature",
        ["House of Commons"],
        "Ottawa",
        "K1A 0A6",
    )
    everyone = client.get("/v1/recipients", params={"limit": 500}, headers=caller.headers)
    assert all(
        [a["postal_code"] for a in r["addresses"]] == ["K1A 0A6"] for r in everyone.json()["items"]
    )
    prime_minister = client.get(
        "/v1/recipients", params={"role": "Prime Minister"}, headers=caller.headers
    ).json()["items"]
    assert [r["display_name"] for r in prime_minister] == ["Mark Carney"]


def test_loading_the_demo_twice_changes_nothing(
    client: TestClient, session: Session, settings: Settings
) -> None:
    first = load_demo(session, settings)
    second = load_demo(session, settings)
    assert second.organisation_id == first.organisation_id
    assert second.key == first.key and second.key_source == "file"
    assert second.recipients.counts.unchanged == 343
    assert second.recipients.counts.created == second.recipients.counts.updated == 0
    assert second.postal_codes.unchanged is True


def test_the_demo_key_is_kept_private_on_disk(session: Session, settings: Settings) -> None:
    load_demo(session, settings)
    assert settings.demo_key_file.stat().st_mode & 0o777 == 0o600


WORKSHOP_KEY = "ld_demo-key-for-a-workshop-0000000000000000000"
NEXT_WORKSHOP_KEY = "ld_demo-key-for-the-next-workshop-000000000000"


def test_a_demo_key_given_in_settings_is_the_demo_key(
    client: TestClient, session: Session, settings: Settings
) -> None:
    settings.demo_api_key = WORKSHOP_KEY
    report = load_demo(session, settings)
    assert report.key_source == "set"
    caller = Caller(report.organisation_id, WORKSHOP_KEY)
    assert client.get("/v1/recipients", headers=caller.headers).status_code == 200
    assert load_demo(session, settings).key == WORKSHOP_KEY


def test_a_demo_key_not_shaped_as_a_key_is_refused_naming_the_setting(
    session: Session, settings: Settings
) -> None:
    assert API_KEY_FORMAT.fullmatch(generate_key())  # the shape real keys have
    settings.demo_api_key = "notakey"
    with pytest.raises(ValueError, match="LETTERDESK_DEMO_API_KEY is not an API key"):
        load_demo(session, settings)
    assert session.scalar(select(ApiKey.id)) is None


def test_changing_the_demo_key_revokes_the_old_one(
    client: TestClient, session: Session, settings: Settings
) -> None:
    made = load_demo(session, settings)  # a key made and kept in the file
    settings.demo_api_key = WORKSHOP_KEY
    load_demo(session, settings)
    settings.demo_api_key = NEXT_WORKSHOP_KEY
    organisation_id = load_demo(session, settings).organisation_id
    for old in (made.key, WORKSHOP_KEY):
        answer = client.get("/v1/recipients", headers=Caller(organisation_id, old).headers)
        assert answer.status_code == 401 and "revoked" in answer.json()["detail"]
    current = Caller(organisation_id, NEXT_WORKSHOP_KEY)
    keys = client.get("/v1/api-keys", headers=current.headers).json()["items"]
    live = [key["name"] for key in keys if key["revoked_at"] is None]
    assert live == ["demo key (3)"]


def test_the_minister_of_foreign_affairs_is_resolved_by_date(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = demo_caller(session, settings)
    role = {"role": "Minister of Foreign Affairs"}
    now = client.get("/v1/recipients", params=role, headers=caller.headers).json()["items"]
    assert [r["display_name"] for r in now] == ["Anita Anand"]
    retitled = {"role": "Minister of Foreign Affairs and International Development"}
    then = client.get(
        "/v1/recipients", params=retitled | {"role_on": "2025-04-01"}, headers=caller.headers
    ).json()["items"]
    assert [r["display_name"] for r in then] == ["Mélanie Joly"]


def test_a_postal_code_finds_its_mp_through_its_forward_sortation_area(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = demo_caller(session, settings)
    response = client.get(
        "/v1/districts/lookup", params={"postal_code": "t5a1b7"}, headers=caller.headers
    )
    (district,) = response.json()["districts"]
    assert (district["name"], district["code"]) == ("Edmonton Manning", "48018")
    assert [r["display_name"] for r in district["representatives"]] == ["Ziad Aboultaif"]


def test_the_directory_status_says_the_date_of_the_demo_data(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = demo_caller(session, settings)
    answer = client.get("/v1/directory/status", headers=caller.headers)
    assert answer.status_code == 200, answer.text
    (demo,) = answer.json()["sources"]
    assert demo["source"] == "demo"
    assert demo["recipients"] == 343
    assert demo["url"] == "file:house-of-commons-members-2025.json"
    assert demo["last_synced_at"] is not None and demo["requested_by"] == "letterdesk demo"
    # the newest fact is the last role end date the ministry file states
    assert demo["newest_fact"] == "2026-07-24"
    assert demo["newest_fact_age_days"] >= 0
    assert answer.json()["recipients_without_source"] == 0


def test_the_shipped_data_keeps_its_provenance_beside_it() -> None:
    data = Path(__file__).parent.parent.parent / "app" / "demo" / "data"
    provenance = (data / "PROVENANCE.md").read_text()
    assert "ourcommons.ca" in provenance
    for name in (
        "house-of-commons-members-2025.json",
        "cabinet-roles-2025.csv",
        "fsa-riding-2025.csv",
    ):
        assert (data / name).exists() and f"## {name}" in provenance


def test_a_demo_loaded_before_with_the_2023_house_moves_to_the_current_one(
    client: TestClient, session: Session, settings: Settings
) -> None:
    """The historical shuffle: a directory holding the 2023 demo (as an earlier version
    loaded it, without a source) is brought to the 45th Parliament by loading the demo."""
    organisation = _demo_organisation(session)
    session.commit()
    earlier = member_records(MEMBERS_2023_FILE, ROLES_2023_FILE)
    importer.import_recipients(
        session, organisation.id, importer.validate_records(earlier), dry_run=False, complete=False
    )
    report = load_demo(session, settings)
    caller = Caller(report.organisation_id, report.key)
    assert report.recipients.counts.retired > 0
    pm = client.get("/v1/recipients", params={"role": "Prime Minister"}, headers=caller.headers)
    assert [r["display_name"] for r in pm.json()["items"]] == ["Mark Carney"]
    trudeau = client.get(
        "/v1/recipients", params={"q": "trudeau", "include_retired": "true"}, headers=caller.headers
    ).json()["items"]
    assert [r["retired"] for r in trudeau] == [True]
    active = client.get("/v1/recipients", params={"limit": 500}, headers=caller.headers)
    assert len(active.json()["items"]) == 343


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


def test_the_demo_has_a_console_owner_who_signs_in_from_the_outbox(
    client: TestClient, session: Session, settings: Settings
) -> None:
    first = load_demo(session, settings)
    assert load_demo(session, settings).owner_email == first.owner_email
    [owner] = session.scalars(select(User)).all()
    assert (owner.email, owner.role) == (first.owner_email, "owner")
    assert client.post("/console/sign-in", data={"email": owner.email}).status_code == 200
    deliver_all(client, settings)
    [eml] = list(settings.outbox_dir.glob("*.eml"))
    parsed = BytesParser(policy=email.policy.strict).parsebytes(eml.read_bytes())
    assert parsed["To"].addresses[0].addr_spec == owner.email
    body = parsed.get_body(("plain",))
    assert body is not None and "/console/sign-in/sil_" in body.get_content()
