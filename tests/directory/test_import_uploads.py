"""Imports come as the body (CSV or JSON) or as a multipart file upload; a bad CSV row
is named as the file has it: its line and its column, not the model's field path."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Caller
from tests.directory.test_import import CSV_HEADER, CSV_ROWS, listed

TABLE = "postal_code,district_name\nK1A,Ottawa Centre\n"


def upload(
    client: TestClient, caller: Caller, path: str, name: str, body: bytes, media_type: str
) -> Any:
    files = {"file": (name, body, media_type)}
    return client.post(path, files=files, headers=caller.headers)


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("reps.csv", "text/csv"), ("reps.csv", "application/octet-stream"), ("reps", "text/csv")],
)
def test_a_csv_file_uploaded_as_multipart_imports(
    client: TestClient, caller: Caller, name: str, media_type: str
) -> None:
    body = (CSV_HEADER + "".join(CSV_ROWS)).encode()
    response = upload(client, caller, "/v1/recipients/import", name, body, media_type)
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["created"] == 2
    assert [r["last_name"] for r in listed(client, caller)] == ["Joly", "Miller"]


def test_a_json_file_and_a_postal_table_upload_as_multipart(
    client: TestClient, caller: Caller
) -> None:
    rows = json.dumps([{"external_id": "1", "last_name": "Doe"}]).encode()
    response = upload(client, caller, "/v1/recipients/import", "r.json", rows, "text/plain")
    assert response.status_code == 200, response.text
    table = upload(
        client, caller, "/v1/districts/postal-codes/import", "t.csv", TABLE.encode(), "text/csv"
    )
    assert table.status_code == 200, table.text
    assert table.json()["rows"] == 1


def test_an_upload_without_a_file_part_is_refused_naming_file(
    client: TestClient, caller: Caller
) -> None:
    for data, files in (
        ({"other": "x"}, {"ignored": ("a.csv", b"x", "text/csv")}),
        ({"file": "not a file"}, {"ignored": ("a.csv", b"x", "text/csv")}),
    ):
        response = client.post(
            "/v1/recipients/import", data=data, files=files, headers=caller.headers
        )
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == ["file"]
    unknown = upload(client, caller, "/v1/recipients/import", "r.xlsx", b"PK", "")
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["file"]


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (("K1A0A6", "99999"), "legislature_postal_code"),
        (("Ahuntsic-Cartierville,QC", "Ahuntsic-Cartierville,Atlantis"), "province"),
        (("2021-10-26", "last year"), "role_start"),
        (("melanie.joly@parl.gc.ca", "melanie.joly@"), "email"),
    ],
)
def test_a_bad_csv_cell_is_named_by_its_column_and_line(
    client: TestClient, caller: Caller, change: tuple[str, str], column: str
) -> None:
    bad = CSV_ROWS[0].replace(*change)
    assert bad != CSV_ROWS[0]
    body = (CSV_HEADER + CSV_ROWS[1] + bad).encode()
    response = client.post(
        "/v1/recipients/import",
        content=body,
        headers=caller.headers | {"Content-Type": "text/csv"},
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["row"], error["line"], error["field"]) == (2, 3, column)
    assert "line 3" in response.json()["detail"]


def test_a_json_rows_error_keeps_its_field_path(client: TestClient, caller: Caller) -> None:
    rows = [{"external_id": "1", "last_name": "Doe", "district": {"province": "Atlantis"}}]
    response = client.post("/v1/recipients/import", json=rows, headers=caller.headers)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["row"], error["field"]) == (1, "district.province") and "line" not in error
