"""The recipient directory through the API: create, read, change, delete, list and filter."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Caller

JOLY: dict[str, Any] = {
    "external_id": "88384",
    "honorific": "The Honourable",
    "first_name": "Mélanie",
    "last_name": "Joly",
    "post_nominals": "P.C., M.P.",
    "language": "fr",
    "party": "Liberal",
    "elected_office": "MP",
    "district": {"name": "Ahuntsic-Cartierville", "province": "Québec"},
    "email": "melanie.joly@parl.gc.ca",
    "phone": "613-992-0983",
    "addresses": [
        {
            "kind": "legislature",
            "lines": ["House of Commons"],
            "city": "Ottawa",
            "province": "ON",
            "postal_code": "k1a0a6",
        }
    ],
    "roles": [
        {
            "title_en": "Minister of Foreign Affairs",
            "title_fr": "ministre des Affaires étrangères",
            "start_date": "2021-10-26",
        }
    ],
}
FREELAND: dict[str, Any] = {
    "external_id": "84672",
    "first_name": "Chrystia",
    "last_name": "Freeland",
    "party": "Liberal",
    "elected_office": "MP",
    "district": {"name": "University—Rosedale", "province": "ON"},
    "roles": [
        {
            "title_en": "Minister of Foreign Affairs",
            "start_date": "2017-01-10",
            "end_date": "2019-11-20",
        },
        {"title_en": "Minister of Finance", "start_date": "2020-08-18"},
    ],
}
SENATOR: dict[str, Any] = {
    "first_name": "Ratna",
    "last_name": "Omidvar",
    "elected_office": "Senator",
    "district": {"name": "Ontario", "province": "ON"},
}


def create(client: TestClient, caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/recipients", json=body, headers=caller.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def names(client: TestClient, caller: Caller, **params: str) -> list[str]:
    response = client.get("/v1/recipients", params=params, headers=caller.headers)
    assert response.status_code == 200, response.text
    return [item["display_name"] for item in response.json()["items"]]


def test_a_created_recipient_reads_back_normalised(client: TestClient, caller: Caller) -> None:
    created = create(client, caller, JOLY)
    assert created["id"].startswith("rcp_")
    assert created["display_name"] == "Mélanie Joly"
    assert created["district"] == {"code": None, "name": "Ahuntsic-Cartierville", "province": "QC"}
    assert created["addresses"][0]["postal_code"] == "K1A 0A6"
    read = client.get(f"/v1/recipients/{created['id']}", headers=caller.headers).json()
    assert read == created
    assert read["roles"] == [
        {
            "title_en": "Minister of Foreign Affairs",
            "title_fr": "ministre des Affaires étrangères",
            "start_date": "2021-10-26",
            "end_date": None,
        }
    ]


def test_patch_changes_only_the_fields_sent(client: TestClient, caller: Caller) -> None:
    created = create(client, caller, JOLY)
    response = client.patch(
        f"/v1/recipients/{created['id']}",
        json={"salutation_override": "Chère Mélanie", "phone": None},
        headers=caller.headers,
    )
    assert response.status_code == 200
    changed = response.json()
    assert changed["salutation_override"] == "Chère Mélanie"
    assert changed["phone"] is None
    assert changed["roles"] == created["roles"]
    assert changed["addresses"] == created["addresses"]


def test_patch_cannot_remove_every_name(client: TestClient, caller: Caller) -> None:
    created = create(client, caller, SENATOR)
    response = client.patch(
        f"/v1/recipients/{created['id']}",
        json={"first_name": None, "last_name": None},
        headers=caller.headers,
    )
    assert response.status_code == 422
    read = client.get(f"/v1/recipients/{created['id']}", headers=caller.headers).json()
    assert read["last_name"] == "Omidvar"


def test_delete_removes_the_recipient(client: TestClient, caller: Caller) -> None:
    created = create(client, caller, SENATOR)
    assert (
        client.delete(f"/v1/recipients/{created['id']}", headers=caller.headers).status_code == 204
    )
    assert client.get(f"/v1/recipients/{created['id']}", headers=caller.headers).status_code == 404


def test_an_external_id_names_one_recipient(client: TestClient, caller: Caller) -> None:
    create(client, caller, JOLY)
    response = client.post("/v1/recipients", json=JOLY, headers=caller.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "external_id"


def test_the_list_filters_by_name_ignoring_accents_and_case(
    client: TestClient, caller: Caller
) -> None:
    for body in (JOLY, FREELAND, SENATOR):
        create(client, caller, body)
    assert names(client, caller, q="melanie") == ["Mélanie Joly"]
    assert names(client, caller, q="JOLY mél") == ["Mélanie Joly"]
    assert names(client, caller, q="%") == []


def test_the_list_filters_by_district_province_party_and_office(
    client: TestClient, caller: Caller
) -> None:
    for body in (JOLY, FREELAND, SENATOR):
        create(client, caller, body)
    assert names(client, caller, district="university-rosedale") == ["Chrystia Freeland"]
    assert names(client, caller, province="Quebec") == ["Mélanie Joly"]
    assert names(client, caller, province="ON") == ["Chrystia Freeland", "Ratna Omidvar"]
    assert names(client, caller, party="liberal") == ["Mélanie Joly", "Chrystia Freeland"]
    assert names(client, caller, office="senator") == ["Ratna Omidvar"]


def test_a_role_resolves_to_its_holder_on_a_date(client: TestClient, caller: Caller) -> None:
    for body in (JOLY, FREELAND, SENATOR):
        create(client, caller, body)
    role = "Minister of Foreign Affairs"
    assert names(client, caller, role=role) == ["Mélanie Joly"]
    assert names(client, caller, role=role, role_on="2018-06-01") == ["Chrystia Freeland"]
    # The day a role passes on is the successor's first day, not the predecessor's last.
    assert names(client, caller, role=role, role_on="2019-11-20") == []
    assert names(client, caller, role="ministre des affaires etrangeres") == ["Mélanie Joly"]


def test_cursor_pagination_walks_every_recipient_once(client: TestClient, caller: Caller) -> None:
    for number in range(7):
        create(client, caller, {"last_name": f"Member {number}"})
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/recipients", params=params, headers=caller.headers).json()
        seen += [item["last_name"] for item in page["items"]]
        cursor = page["next_cursor"]  # the last page's too: where to resume from later
        if not page["has_more"]:
            break
    assert seen == [f"Member {number}" for number in range(7)]


def test_a_cursor_we_did_not_give_is_422(client: TestClient, caller: Caller) -> None:
    response = client.get("/v1/recipients", params={"cursor": "%%%"}, headers=caller.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"first_name": "Jane\r\nBcc: all@example.org", "last_name": "Doe"}, "first_name"),
        ({"last_name": "Doe\x00"}, "last_name"),
        ({"last_name": "Doe\u202e"}, "last_name"),
        ({"last_name": "Doe", "email": "not-an-email"}, "email"),
        ({"last_name": "Doe", "email": "a@b@c.org"}, "email"),
        ({"last_name": "Doe", "language": "de"}, "language"),
        ({"last_name": "Doe", "party": 12}, "party"),
        ({"last_name": ["Doe"]}, "last_name"),
        ({"last_name": "Doe", "district": {"province": "Narnia"}}, "district.province"),
        (
            {
                "last_name": "Doe",
                "addresses": [
                    {
                        "kind": "legislature",
                        "lines": ["x"],
                        "city": "Ottawa",
                        "postal_code": "12345",
                    }
                ],
            },
            "addresses.0.postal_code",
        ),
        (
            {"last_name": "Doe", "addresses": [{"kind": "home", "lines": ["x"], "city": "Ottawa"}]},
            "addresses.0.kind",
        ),
        (
            {"last_name": "Doe", "roles": [{"title_en": "Minister", "start_date": "yesterday"}]},
            "roles.0.start_date",
        ),
        (
            {
                "last_name": "Doe",
                "roles": [{"title_en": "M", "start_date": "2020-01-02", "end_date": "2020-01-01"}],
            },
            "roles.0",
        ),
        ({"last_name": "Doe", "favourite_colour": "blue"}, "favourite_colour"),
        ({"last_name": "Doe", "honorific": "H" * 101}, "honorific"),
        ({"last_name": "Doe", "district": {"code": "9" * 51}}, "district.code"),
        ({"last_name": "ß" * 301}, "last_name"),
        ({"email": "jane@example.org"}, "body"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    client: TestClient, caller: Caller, body: dict[str, Any], field: str
) -> None:
    response = client.post("/v1/recipients", json=body, headers=caller.headers)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "/problems/validation-error"
    assert field in [error["field"] for error in problem["errors"]]
    assert client.get("/v1/recipients", headers=caller.headers).json()["items"] == []


def test_malformed_json_is_400(client: TestClient, caller: Caller) -> None:
    response = client.post(
        "/v1/recipients",
        content=b'{"last_name": "Doe",',
        headers=caller.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/malformed-json"


def test_a_body_that_is_not_an_object_is_422(client: TestClient, caller: Caller) -> None:
    response = client.post("/v1/recipients", json=["Doe"], headers=caller.headers)
    assert response.status_code == 422


def test_an_oversized_body_is_413(client: TestClient, caller: Caller) -> None:
    body = {"last_name": "Doe", "party": "x" * 2_000_000}
    response = client.post("/v1/recipients", json=body, headers=caller.headers)
    assert response.status_code == 413
    assert response.json()["type"] == "/problems/payload-too-large"


def test_an_oversized_body_without_a_length_is_413(client: TestClient, caller: Caller) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"last_name": "'
        for _ in range(30):
            yield b"x" * 50_000
        yield b'"}'

    response = client.post(
        "/v1/recipients",
        content=chunks(),
        headers=caller.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_unknown_query_values_are_422_naming_the_parameter(
    client: TestClient, caller: Caller
) -> None:
    response = client.get("/v1/recipients", params={"limit": "many"}, headers=caller.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "limit",
        "message": "Input should be a valid integer, unable to parse string as an integer",
        "code": "int_parsing",
        "in": "query",
    }


def test_an_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Jo\x00ly"},
        {"district": "\x00"},
        {"party": "a\x00"},
        {"office": "\x00"},
        {"role": "\x00"},
    ],
)
def test_a_nul_in_a_filter_is_422_not_a_database_error(
    client: TestClient, caller: Caller, params: dict[str, str]
) -> None:
    response = client.get("/v1/recipients", params=params, headers=caller.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == next(iter(params))


@pytest.mark.parametrize("recipient_id", ["rcp_%00", "x" * 5000, "rcp_01M8JKF7EDXK058FMTT6ZN9JNB"])
def test_an_id_that_names_nothing_is_404(
    client: TestClient, caller: Caller, recipient_id: str
) -> None:
    for method in ("GET", "DELETE"):
        response = client.request(method, f"/v1/recipients/{recipient_id}", headers=caller.headers)
        assert response.status_code == 404


def test_a_nul_in_an_external_id_is_422(client: TestClient, caller: Caller) -> None:
    body = {"last_name": "Doe", "external_id": "a\x00b"}
    response = client.post("/v1/recipients", json=body, headers=caller.headers)
    assert response.status_code == 422


def test_a_lone_surrogate_in_a_name_is_422(client: TestClient, caller: Caller) -> None:
    response = client.post(
        "/v1/recipients",
        content=b'{"last_name": "Doe\\ud800"}',
        headers=caller.headers | {"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "last_name"


@pytest.mark.parametrize("party", ["%", "L_beral", "Liberal\\", "liberal%"])
def test_a_filter_is_a_value_not_a_pattern(client: TestClient, caller: Caller, party: str) -> None:
    create(client, caller, JOLY)
    assert names(client, caller, party=party) == []
    assert names(client, caller, office=party) == []
