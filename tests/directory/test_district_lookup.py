"""Postal code to district(s) and their representatives, from the organisation's table."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Caller

TABLE_CSV = (
    "postal_code,district_name,district_code,province\n"
    "K1A 0A6,Ottawa Centre,35079,ON\n"
    "K1A,Ottawa—Vanier,35080,ON\n"
    "J8X,Gatineau,24029,QC\n"
    "J8X,Hull—Aylmer,24030,QC\n"
)


def load_table(client: TestClient, caller: Caller, body: str = TABLE_CSV) -> Any:
    return client.post(
        "/v1/districts/postal-codes/import",
        content=body.encode(),
        headers=caller.headers | {"Content-Type": "text/csv"},
    )


def lookup(client: TestClient, caller: Caller, postal_code: str) -> Any:
    return client.get(
        "/v1/districts/lookup", params={"postal_code": postal_code}, headers=caller.headers
    )


@pytest.fixture
def table(client: TestClient, caller: Caller) -> None:
    assert load_table(client, caller).json() == {"rows": 4, "replaced": 0, "unchanged": False}
    for name, district in [("Yasir Naqvi", "Ottawa Centre"), ("Mona Fortier", "Ottawa-Vanier")]:
        first, last = name.split()
        body = {"first_name": first, "last_name": last, "district": {"name": district}}
        assert client.post("/v1/recipients", json=body, headers=caller.headers).status_code == 201


def test_a_postal_code_is_normalised_and_its_exact_entry_wins(
    client: TestClient, caller: Caller, table: None
) -> None:
    response = lookup(client, caller, " k1a0a6 ")
    assert response.status_code == 200
    body = response.json()
    assert (body["postal_code"], body["provider"], body["ambiguous"]) == ("K1A 0A6", "table", False)
    (district,) = body["districts"]
    assert (district["name"], district["code"], district["province"]) == (
        "Ottawa Centre",
        "35079",
        "ON",
    )
    assert [r["display_name"] for r in district["representatives"]] == ["Yasir Naqvi"]


def test_a_prefix_entry_answers_the_codes_it_starts(
    client: TestClient, caller: Caller, table: None
) -> None:
    (district,) = lookup(client, caller, "K1A 0B1").json()["districts"]
    assert district["name"] == "Ottawa—Vanier"
    assert [r["display_name"] for r in district["representatives"]] == ["Mona Fortier"]


def test_a_straddling_postal_code_answers_every_candidate(
    client: TestClient, caller: Caller, table: None
) -> None:
    body = lookup(client, caller, "J8X 1A1").json()
    assert body["ambiguous"] is True
    assert [d["name"] for d in body["districts"]] == ["Gatineau", "Hull—Aylmer"]
    assert all(d["representatives"] == [] for d in body["districts"])


def test_an_unknown_postal_code_is_a_404_problem(
    client: TestClient, caller: Caller, table: None
) -> None:
    response = lookup(client, caller, "V6B 1A1")
    assert response.status_code == 404
    assert response.json()["postal_code"] == "V6B 1A1"


@pytest.mark.parametrize("postal_code", ["", "12345", "K1A 0A", "D1A 0A6", "K1A0A6X", "W1A 0A6"])
def test_an_invalid_postal_code_is_422_naming_the_parameter(
    client: TestClient, caller: Caller, postal_code: str
) -> None:
    response = lookup(client, caller, postal_code)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "postal_code"


def test_another_organisations_table_is_not_used(
    client: TestClient, caller: Caller, table: None, make_caller: Any
) -> None:
    other = make_caller()
    assert lookup(client, other, "K1A 0A6").status_code == 404


def test_a_table_import_replaces_the_table_and_a_same_one_changes_nothing(
    client: TestClient, caller: Caller, table: None
) -> None:
    assert load_table(client, caller).json()["unchanged"] is True
    result = load_table(client, caller, "postal_code,district_name\nK1A,Ottawa Centre\n").json()
    assert result == {"rows": 1, "replaced": 4, "unchanged": False}
    assert lookup(client, caller, "J8X 1A1").status_code == 404


def test_a_bad_table_row_rejects_the_import(
    client: TestClient, caller: Caller, table: None
) -> None:
    response = load_table(client, caller, "postal_code,district_name\nK1A,Ottawa\n99999,Nowhere\n")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "row": 2,
        "line": 3,
        "field": "postal_code",
        "message": "must be a Canadian postal code or its first characters, such as K1A",
    }
    assert lookup(client, caller, "J8X 1A1").json()["ambiguous"] is True


def test_a_json_table_imports(client: TestClient, caller: Caller) -> None:
    body = '{"entries": [{"postal_code": "h2n2c9", "district_name": "Ahuntsic-Cartierville"}]}'
    response = client.post(
        "/v1/districts/postal-codes/import",
        content=body.encode(),
        headers=caller.headers | {"Content-Type": "application/json"},
    )
    assert response.json()["rows"] == 1
    assert (
        lookup(client, caller, "H2N 2C9").json()["districts"][0]["name"] == "Ahuntsic-Cartierville"
    )


def test_concurrent_table_imports_leave_one_whole_table(client: TestClient, caller: Caller) -> None:
    def table(district: str) -> str:
        rows = "".join(f"K{n % 10}A{n % 10}B{n % 10},{district}\n" for n in range(10))
        return "postal_code,district_name\n" + rows + f"V6B,{district}\n"

    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda d: load_table(client, caller, table(d)), ["A", "B", "C", "A"])
        )
    assert [answer.status_code for answer in answers] == [200] * 4
    districts = lookup(client, caller, "V6B 1A1").json()["districts"]
    assert len(districts) == 1
