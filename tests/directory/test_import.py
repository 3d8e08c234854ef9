"""Importing recipients: CSV, JSON and Represent's shape; upserts, dry runs, retiring,
and all-or-nothing on a bad row."""

import gc
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.demo.service import member_records
from app.directory.honorifics import read_house_honorific
from tests.conftest import Caller

CSV_HEADER = (
    "external_id,honorific,first_name,last_name,post_nominals,language,party,elected_office,"
    "district_name,province,email,phone,legislature_address,legislature_city,"
    "legislature_province,legislature_postal_code,role_en,role_fr,role_start,role_end\n"
)
CSV_ROWS = [
    '88384,The Honourable,Mélanie,Joly,"P.C., M.P.",fr,Liberal,MP,Ahuntsic-Cartierville,QC,'
    "melanie.joly@parl.gc.ca,613-992-0983,House of Commons,Ottawa,ON,K1A0A6,"
    "Minister of Foreign Affairs,ministre des Affaires étrangères,2021-10-26,\n",
    "71738,,Marc,Miller,M.P.,,Liberal,MP,Ville-Marie—Le Sud-Ouest—Île-des-Soeurs,Quebec,"
    "marc.miller@parl.gc.ca,,House of Commons,Ottawa,ON,K1A 0A6,,,,\n",
]


def import_file(
    client: TestClient, caller: Caller, body: bytes, content_type: str, **params: Any
) -> Any:
    return client.post(
        "/v1/recipients/import",
        content=body,
        params=params,
        headers=caller.headers | {"Content-Type": content_type},
    )


def listed(client: TestClient, caller: Caller, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/recipients", params=params, headers=caller.headers)
    return response.json()["items"]  # type: ignore[no-any-return]


def test_a_csv_with_a_byte_order_mark_imports(client: TestClient, caller: Caller) -> None:
    body = ("\ufeff" + CSV_HEADER + "".join(CSV_ROWS)).encode()
    response = import_file(client, caller, body, "text/csv; charset=utf-8")
    assert response.status_code == 200, response.text
    assert response.json()["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "retired": 0}
    joly, miller = listed(client, caller)
    assert joly["honorific"] == "The Honourable" and joly["post_nominals"] == "P.C., M.P."
    assert joly["roles"][0]["title_fr"] == "ministre des Affaires étrangères"
    assert joly["addresses"] == [
        {
            "kind": "legislature",
            "lines": ["House of Commons"],
            "city": "Ottawa",
            "province": "ON",
            "postal_code": "K1A 0A6",
            "phone": None,
            "fax": None,
            "email": None,
        }
    ]
    assert miller["district"]["province"] == "QC"
    assert miller["roles"] == [] and miller["language"] is None


def test_importing_the_same_file_again_changes_nothing(client: TestClient, caller: Caller) -> None:
    body = (CSV_HEADER + "".join(CSV_ROWS)).encode()
    import_file(client, caller, body, "text/csv")
    before = listed(client, caller)
    again = import_file(client, caller, body, "text/csv").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "retired": 0}
    assert listed(client, caller) == before


def test_a_dry_run_says_what_would_change_and_changes_nothing(
    client: TestClient, caller: Caller
) -> None:
    import_file(client, caller, (CSV_HEADER + "".join(CSV_ROWS)).encode(), "text/csv")
    before = listed(client, caller)
    changed_joly = CSV_ROWS[0].replace("613-992-0983", "613-000-0000")
    new_row = "99999,,Ahmed,Hussen,M.P.,,Liberal,MP,York South—Weston,ON,,,,,,,,,,\n"
    body = (CSV_HEADER + changed_joly + new_row).encode()
    dry = import_file(client, caller, body, "text/csv", dry_run="true", complete="true")
    assert dry.status_code == 200
    assert dry.json() == {
        "dry_run": True,
        "complete": True,
        "rows": 2,
        "counts": {"created": 1, "updated": 1, "unchanged": 0, "retired": 1},
        "created": ["99999"],
        "updated": ["88384"],
        "retired": ["71738"],
    }
    assert listed(client, caller) == before


def test_a_complete_import_retires_those_absent_and_brings_them_back(
    client: TestClient, caller: Caller
) -> None:
    import_file(client, caller, (CSV_HEADER + "".join(CSV_ROWS)).encode(), "text/csv")
    only_joly = (CSV_HEADER + CSV_ROWS[0]).encode()
    result = import_file(client, caller, only_joly, "text/csv", complete="true").json()
    assert result["counts"]["retired"] == 1
    assert [r["last_name"] for r in listed(client, caller)] == ["Joly"]
    retired = listed(client, caller, include_retired="true")[1]
    assert retired["last_name"] == "Miller" and retired["retired"] is True
    back = import_file(client, caller, (CSV_HEADER + "".join(CSV_ROWS)).encode(), "text/csv")
    assert back.json()["counts"] == {"created": 0, "updated": 1, "unchanged": 1, "retired": 0}
    assert len(listed(client, caller)) == 2


def test_an_import_without_complete_retires_nobody(client: TestClient, caller: Caller) -> None:
    import_file(client, caller, (CSV_HEADER + "".join(CSV_ROWS)).encode(), "text/csv")
    result = import_file(client, caller, (CSV_HEADER + CSV_ROWS[0]).encode(), "text/csv").json()
    assert result["counts"]["retired"] == 0
    assert len(listed(client, caller)) == 2


def test_a_source_without_roles_keeps_the_roles_held(client: TestClient, caller: Caller) -> None:
    import_file(client, caller, (CSV_HEADER + CSV_ROWS[0]).encode(), "text/csv")
    body = json.dumps([{"external_id": "88384", "last_name": "Joly", "party": "Liberal"}])
    result = import_file(client, caller, body.encode(), "application/json").json()
    assert result["counts"]["unchanged"] == 1
    assert listed(client, caller)[0]["roles"][0]["title_en"] == "Minister of Foreign Affairs"


def test_a_cabinet_shuffle_is_one_import(client: TestClient, caller: Caller) -> None:
    import_file(client, caller, (CSV_HEADER + "".join(CSV_ROWS)).encode(), "text/csv")
    shuffle = {
        "recipients": [
            {
                "external_id": "88384",
                "roles": [
                    {
                        "title_en": "Minister of Foreign Affairs",
                        "start_date": "2021-10-26",
                        "end_date": "2025-05-13",
                    }
                ],
            },
            {
                "external_id": "71738",
                "roles": [{"title_en": "Minister of Foreign Affairs", "start_date": "2025-05-13"}],
            },
        ]
    }
    result = import_file(client, caller, json.dumps(shuffle).encode(), "application/json").json()
    assert result["counts"]["updated"] == 2
    minister = listed(client, caller, role="Minister of Foreign Affairs", role_on="2025-06-01")
    assert [r["last_name"] for r in minister] == ["Miller"]
    before = listed(client, caller, role="Minister of Foreign Affairs", role_on="2024-01-01")
    assert [r["last_name"] for r in before] == ["Joly"]


REPRESENT = {
    "objects": [
        {
            "name": "Mona Fortier",
            "first_name": "Mona",
            "last_name": "Fortier",
            "district_name": "Ottawa—Vanier",
            "elected_office": "MP",
            "party_name": "Liberal",
            "email": "mona.fortier@parl.gc.ca",
            "url": "https://www.ourcommons.ca/Members/en/mona-fortier(89020)",
            "representative_set_name": "House of Commons",
            "gender": "F",
            "extra": {"preferred_languages": ["French", "English"]},
            "offices": [
                {
                    "type": "legislature",
                    "postal": "House of Commons\nOttawa ON  K1A 0A6",
                    "tel": "1 613-992-4766",
                    "fax": "1 613-992-6448",
                },
                {
                    "type": "constituency",
                    "postal": "Main office - Ottawa\n237 Montreal Road\nOttawa ON  K1L 6C7",
                    "tel": "1 613-998-1860",
                },
            ],
        }
    ],
    "meta": {"offset": 0, "limit": 20, "total_count": 1, "next": None},
}


def test_represent_api_json_imports(client: TestClient, caller: Caller) -> None:
    response = import_file(client, caller, json.dumps(REPRESENT).encode(), "application/json")
    assert response.status_code == 200, response.text
    (fortier,) = listed(client, caller)
    assert fortier["external_id"] == "https://www.ourcommons.ca/Members/en/mona-fortier(89020)"
    assert fortier["display_name"] == "Mona Fortier"
    assert fortier["language"] == "fr"
    assert fortier["gender"] == "female"
    assert fortier["district"]["name"] == "Ottawa—Vanier"
    assert fortier["phone"] == "1 613-992-4766"
    legislature, constituency = fortier["addresses"]
    assert (legislature["lines"], legislature["city"], legislature["province"]) == (
        ["House of Commons"],
        "Ottawa",
        "ON",
    )
    assert legislature["postal_code"] == "K1A 0A6"
    assert constituency["lines"] == ["Main office - Ottawa", "237 Montreal Road"]
    assert constituency["postal_code"] == "K1L 6C7"


def test_one_bad_row_rejects_the_whole_import_naming_row_and_field(
    client: TestClient, caller: Caller
) -> None:
    bad = CSV_ROWS[1].replace("marc.miller@parl.gc.ca", "marc.miller@")
    response = import_file(client, caller, (CSV_HEADER + CSV_ROWS[0] + bad).encode(), "text/csv")
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [
        {
            "row": 2,
            "line": 3,
            "field": "email",
            "message": "is not a valid email address: There must be something after the @-sign.",
            "code": "value_error",
        }
    ]
    assert "row 2" in problem["detail"]
    assert listed(client, caller) == []


def test_control_characters_in_an_imported_name_reject_the_import(
    client: TestClient, caller: Caller
) -> None:
    body = json.dumps([{"external_id": "1", "last_name": "Doe\u0007"}]).encode()
    response = import_file(client, caller, body, "application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "last_name"


def test_a_repeated_external_id_rejects_the_import(client: TestClient, caller: Caller) -> None:
    body = (CSV_HEADER + CSV_ROWS[0] + CSV_ROWS[0]).encode()
    response = import_file(client, caller, body, "text/csv")
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "row": 2,
        "line": 3,
        "field": "external_id",
        "message": "repeats row 1",
    }


def test_a_row_without_external_id_rejects_the_import(client: TestClient, caller: Caller) -> None:
    body = json.dumps([{"last_name": "Doe"}]).encode()
    response = import_file(client, caller, body, "application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "external_id"


def test_an_unknown_csv_column_is_refused(client: TestClient, caller: Caller) -> None:
    response = import_file(client, caller, b"external_id,last_nmae\n1,Doe\n", "text/csv")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 0, "field": "last_nmae", "message": "is not a known column"}
    ]


def test_a_ragged_csv_row_is_refused(client: TestClient, caller: Caller) -> None:
    response = import_file(client, caller, b"external_id,last_name\n1,Doe,extra\n", "text/csv")
    assert response.status_code == 422
    assert response.json()["errors"][0]["row"] == 1


def test_a_file_that_is_not_utf8_is_refused(client: TestClient, caller: Caller) -> None:
    body = "external_id,last_name\n1,Lévesque\n".encode("latin-1")
    response = import_file(client, caller, body, "text/csv")
    assert response.status_code == 422
    assert "UTF-8" in response.json()["detail"]


def test_an_unsupported_media_type_is_refused(client: TestClient, caller: Caller) -> None:
    response = import_file(client, caller, b"<xml/>", "application/xml")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Content-Type"


def test_malformed_json_import_is_refused(client: TestClient, caller: Caller) -> None:
    response = import_file(client, caller, b'[{"external_id": ', "application/json")
    assert response.status_code == 422
    assert response.json()["detail"] == "The file is not valid JSON."


def test_json_of_the_wrong_shape_is_refused(client: TestClient, caller: Caller) -> None:
    for body in (b'{"people": []}', b"[1, 2]", b'"text"', b'{"objects": ["x"]}'):
        response = import_file(client, caller, body, "application/json")
        assert response.status_code == 422, body


def test_too_many_rows_are_refused(client: TestClient, caller: Caller) -> None:
    client.app.state.settings.max_import_rows = 3  # type: ignore[attr-defined]
    rows = [{"external_id": str(n), "last_name": "Doe"} for n in range(4)]
    response = import_file(client, caller, json.dumps(rows).encode(), "application/json")
    assert response.status_code == 422
    assert "at most 3 rows" in response.json()["detail"]


def test_a_new_recipient_without_a_name_rejects_the_import(
    client: TestClient, caller: Caller
) -> None:
    body = json.dumps([{"external_id": "1", "last_name": "Doe"}, {"external_id": "2"}])
    response = import_file(client, caller, body.encode(), "application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["row"] == 2
    assert listed(client, caller) == []


def test_json_nested_too_deep_is_refused(client: TestClient, caller: Caller) -> None:
    response = import_file(client, caller, b"[" * 100_000 + b"]" * 100_000, "application/json")
    assert response.status_code == 422


@pytest.mark.parametrize(
    "representative",
    [
        {"name": "A B", "extra": "x"},
        {"name": "A B", "extra": [1]},
        {"name": "A B", "offices": 5},
        {"name": "A B", "offices": [5, {"type": "legislature", "postal": 7}]},
        {"name": "A B", "extra": {"preferred_languages": {"a": 1}}},
        {"name": "A B", "extra": {"preferred_languages": [[1]]}},
        {"name": "A B", "gender": ["F"], "district_name": 12},
    ],
)
def test_represent_data_of_unexpected_shapes_reads_as_absent(
    client: TestClient, caller: Caller, representative: dict[str, Any]
) -> None:
    body = json.dumps({"objects": [representative]}).encode()
    response = import_file(client, caller, body, "application/json")
    assert response.status_code == 200, response.text
    assert listed(client, caller)[0]["display_name"] == "A B"


def test_a_number_too_long_to_read_is_refused(client: TestClient, caller: Caller) -> None:
    body = b'[{"external_id": "1", "last_name": ' + b"9" * 5000 + b"}]"
    assert import_file(client, caller, body, "application/json").status_code == 422


def test_an_import_cannot_leave_a_recipient_without_a_name(
    client: TestClient, caller: Caller
) -> None:
    import_file(client, caller, (CSV_HEADER + CSV_ROWS[0]).encode(), "text/csv")
    body = json.dumps([{"external_id": "88384", "first_name": None, "last_name": None}])
    response = import_file(client, caller, body.encode(), "application/json")
    assert response.status_code == 422
    assert listed(client, caller)[0]["last_name"] == "Joly"


def test_a_source_with_part_of_the_district_leaves_the_rest(
    client: TestClient, caller: Caller
) -> None:
    body = json.dumps(
        [
            {
                "external_id": "1",
                "last_name": "Doe",
                "district": {"code": "35079", "name": "X", "province": "ON"},
            }
        ]
    )
    import_file(client, caller, body.encode(), "application/json")
    import_file(client, caller, b"external_id,district_name\n1,Ottawa Centre\n", "text/csv")
    assert listed(client, caller)[0]["district"] == {
        "code": "35079",
        "name": "Ottawa Centre",
        "province": "ON",
    }


def test_the_same_roles_in_another_order_are_no_change(client: TestClient, caller: Caller) -> None:
    roles = [
        {"title_en": "Minister of A", "start_date": "2020-01-01"},
        {"title_en": "Minister of A", "title_fr": "ministre de A", "start_date": "2020-01-01"},
    ]
    rows = [{"external_id": "1", "last_name": "Doe", "roles": roles}]
    import_file(client, caller, json.dumps(rows).encode(), "application/json")
    rows[0]["roles"] = roles[::-1]
    again = import_file(client, caller, json.dumps(rows).encode(), "application/json").json()
    assert again["counts"]["unchanged"] == 1


def test_a_complete_import_of_nothing_is_refused(client: TestClient, caller: Caller) -> None:
    import_file(client, caller, (CSV_HEADER + CSV_ROWS[0]).encode(), "text/csv")
    response = import_file(client, caller, CSV_HEADER.encode(), "text/csv", complete="true")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "complete"
    assert len(listed(client, caller)) == 1


def test_a_column_named_twice_is_refused(client: TestClient, caller: Caller) -> None:
    response = import_file(client, caller, b"external_id,last_name,last_name\n1,x,y\n", "text/csv")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "last_name"


def test_concurrent_imports_run_one_after_the_other(client: TestClient, caller: Caller) -> None:
    def rows(prefix: str) -> bytes:
        return json.dumps(
            [{"external_id": f"{prefix}{n}", "last_name": f"Doe {n}"} for n in range(300)]
        ).encode()

    bodies = [rows(prefix) for prefix in "abc"]
    with ThreadPoolExecutor(3) as pool:
        answers = list(
            pool.map(
                lambda body: import_file(client, caller, body, "application/json", complete="true"),
                bodies,
            )
        )
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    active = {r["external_id"][0] for r in listed(client, caller, limit=500)}
    assert len(active) == 1


@pytest.mark.parametrize(
    ("short", "expected"),
    [
        ("Hon.", ("The Honourable", None)),
        ("Right Hon.", ("The Right Honourable", None)),
        ("Ms.", (None, "female")),
        ("Mrs.", (None, "female")),
        ("Mr.", (None, "male")),
        ("", (None, None)),
        (None, (None, None)),
        ("Dr.", (None, None)),
    ],
)
def test_the_house_honorific_gives_gender_only_where_it_is_a_courtesy_title(
    short: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert read_house_honorific(short) == expected


def test_the_demo_members_have_no_gender_their_source_does_not_give() -> None:
    records = member_records()
    assert all("gender" not in record for record in records)
    assert sum(record["honorific"] == "The Honourable" for record in records) > 50


def test_a_represent_import_fills_the_province_from_the_district(
    client: TestClient, caller: Caller
) -> None:
    """Represent names a district, not its province: the province comes from the federal
    district's code in the boundary's URL, else from its name (either representation
    order), and stays empty for a district we cannot place."""
    fortier: dict[str, Any] = REPRESENT["objects"][0]  # type: ignore[index]
    objects = [
        fortier,  # Ottawa—Vanier, a district of the 2013 order, by name
        fortier | {"name": "A", "url": "https://example.org/a", "district_name": "Nowhere",
                   "related": {"boundary_url": "/boundaries/federal-electoral-districts-"
                                               "2023-representation-order/24015/"}},
        fortier | {"name": "B", "url": "https://example.org/b",
                   "district_name": "Mégantic—L'Érable—Lotbinière"},
        fortier | {"name": "C", "url": "https://example.org/c", "district_name": "Ward 12"},
    ]  # fmt: skip
    document = {"objects": objects, "meta": REPRESENT["meta"]}
    response = import_file(client, caller, json.dumps(document).encode(), "application/json")
    assert response.status_code == 200, response.text
    provinces = {r["display_name"]: r["district"]["province"] for r in listed(client, caller)}
    assert provinces == {"Mona Fortier": "ON", "A": "QC", "B": "QC", "C": None}


def test_the_cycle_collector_runs_again_after_an_import(client: TestClient, caller: Caller) -> None:
    """An import holds the collector off while it builds its rows; left off, the server
    would never free garbage that holds cycles."""
    good = json.dumps([{"external_id": "1", "first_name": "Marc"}]).encode()
    bad = json.dumps([{"external_id": "1", "first_name": "Marc\u202e"}]).encode()
    assert import_file(client, caller, good, "application/json").status_code == 200
    assert gc.isenabled()
    assert import_file(client, caller, bad, "application/json").status_code == 422
    assert gc.isenabled()


# Each text field of a record, as a path, and the longest line it takes.
TEXT_FIELDS = {
    "external_id": 200, "honorific": 100, "first_name": 300, "last_name": 300,
    "display_name": 300, "post_nominals": 100, "party": 300, "elected_office": 100,
    "phone": 50, "salutation_override": 300, "salutation_override_fr": 300,
    "district.code": 50, "district.name": 300, "addresses.0.lines.0": 300,
    "addresses.0.city": 300, "addresses.0.phone": 50, "addresses.0.fax": 50,
    "roles.0.title_en": 300, "roles.0.title_fr": 300,
}  # fmt: skip


def _record_with(number: int, path: str, value: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "external_id": f"x-{number}",
        "last_name": "Doe",
        "district": {"name": "Halifax"},
        "addresses": [{"kind": "legislature", "lines": ["House of Commons"], "city": "Ottawa"}],
        "roles": [{"title_en": "Minister of Finance"}],
    }
    *parents, last = path.split(".")
    place: Any = record
    for part in parents:
        place = place[int(part)] if part.isdigit() else place[part]
    place[int(last) if last.isdigit() else last] = value
    return record


def test_every_text_field_of_an_import_refuses_control_characters_and_long_lines(
    client: TestClient, caller: Caller
) -> None:
    """One bad value per row, in every text field: each row is named with its field and
    why, a control character anywhere in the value, or a line too long once stripped."""
    bad = [("\u0007", "value_error"), ("a\u200bb", "value_error"), ("x\u202e", "value_error")]
    records: list[dict[str, Any]] = []
    expected: list[tuple[int, str, str]] = []
    for path, most in TEXT_FIELDS.items():
        for value, code in [*bad, (" " + "x" * (most + 1) + " ", "too_long")]:
            records.append(_record_with(len(records) + 1, path, value))
            expected.append((len(records), path, code))
    records.append(_record_with(len(records) + 1, "addresses.0.city", "  "))
    expected.append((len(records), "addresses.0.city", "too_short"))
    assert len(records) < 100  # every bad row is reported
    response = import_file(client, caller, json.dumps(records).encode(), "application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["row"], e["field"], e["code"]) for e in errors] == expected
    assert listed(client, caller) == []


def test_fields_are_stripped_before_their_length_is_counted(
    client: TestClient, caller: Caller
) -> None:
    record = {"external_id": " x-1 ", "last_name": "  " + "x" * 300 + "\n", "phone": " 613 "}
    body = json.dumps([record]).encode()
    assert import_file(client, caller, body, "application/json").status_code == 200
    (recipient,) = listed(client, caller)
    assert recipient["external_id"] == "x-1" and recipient["last_name"] == "x" * 300
    assert recipient["phone"] == "613"
