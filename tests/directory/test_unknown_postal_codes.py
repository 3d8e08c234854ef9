"""Postal codes the demo's table knows only roughly (by their first three characters) or
not at all: the lookup says its answer is approximate; where nothing is known it points
to a choice by district or MP name, and an action takes the supporter's choice."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.demo.service import load_demo
from app.settings import Settings
from tests.campaign_data import action_body
from tests.conftest import Caller


def demo(session: Session, settings: Settings) -> Caller:
    report = load_demo(session, settings)
    return Caller(report.organisation_id, report.key)


def test_a_district_found_from_the_first_three_characters_is_marked_approximate(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = demo(session, settings)
    answer = client.get(
        "/v1/districts/lookup", params={"postal_code": "T5A 1B7"}, headers=caller.headers
    ).json()
    assert answer["approximate"] is True
    (district,) = answer["districts"]
    assert district["approximate"] is True and district["name"] == "Edmonton Manning"


def test_an_unknown_postal_code_points_to_a_choice_by_district_or_mp_name(
    client: TestClient, session: Session, settings: Settings
) -> None:
    caller = demo(session, settings)
    unknown = client.get(
        "/v1/districts/lookup", params={"postal_code": "X0A 0H0"}, headers=caller.headers
    )  # Nunavut: the FSA table has no entry
    assert unknown.status_code == 404
    assert unknown.json()["choose_from"] == "/v1/districts/search"
    by_district = client.get(
        "/v1/districts/search", params={"q": "nunavut"}, headers=caller.headers
    ).json()
    assert [d["name"] for d in by_district["districts"]] == ["Nunavut"]
    assert by_district["districts"][0]["representatives"][0]["last_name"] == "Idlout"
    by_mp = client.get(
        "/v1/districts/search", params={"q": "POILIEVRE"}, headers=caller.headers
    ).json()
    assert [d["name"] for d in by_mp["districts"]] == ["Battle River—Crowfoot"]
    too_short = client.get("/v1/districts/search", params={"q": "n"}, headers=caller.headers)
    assert too_short.status_code == 422 and too_short.json()["errors"][0]["field"] == "q"


def test_an_action_with_an_unknown_postal_code_writes_to_the_district_chosen(
    client: TestClient, session: Session, settings: Settings
) -> None:
    demo(session, settings)
    body = action_body(district="Nunavut")
    body["supporter"] |= {"postal_code": "X0A 0H0", "province": "NU", "city": "Iqaluit"}
    taken = client.post("/v1/campaigns/rescind-safe-third-country/actions", json=body)
    assert taken.status_code == 201, taken.text
    names = [letter["recipient"]["display_name"] for letter in taken.json()["letters"]]
    assert "Lori Idlout" in names
    body["supporter"]["email"] = "other@example.org"
    body["district"] = "Atlantis"
    refused = client.post("/v1/campaigns/rescind-safe-third-country/actions", json=body)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "district"


def test_an_approximate_district_may_be_corrected_by_the_supporter(
    client: TestClient, session: Session, settings: Settings
) -> None:
    demo(session, settings)
    # T5A's one district in the table is Edmonton Manning; the supporter knows better
    body = action_body(district="Edmonton Griesbach")
    taken = client.post("/v1/campaigns/rescind-safe-third-country/actions", json=body)
    assert taken.status_code == 201, taken.text
    districts = [letter["recipient"]["district"] for letter in taken.json()["letters"]]
    assert "Edmonton Griesbach" in districts
