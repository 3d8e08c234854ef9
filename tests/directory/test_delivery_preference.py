"""A recipient's delivery preference: email by default, a daily digest or print only;
written on create, PATCH and import (CSV column or JSON field), refused naming the field
when it is none of them."""

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.campaign_data import RECIPIENTS
from tests.conftest import Caller
from tests.directory.test_import import import_file


def create(client: TestClient, caller: Caller, **changes: Any) -> Any:
    return client.post("/v1/recipients", json=RECIPIENTS["joly"] | changes, headers=caller.headers)


def test_a_recipient_takes_letters_by_email_unless_told_otherwise(
    client: TestClient, caller: Caller
) -> None:
    made = create(client, caller)
    assert made.status_code == 201, made.text
    assert made.json()["delivery_preference"] == "email"
    digest = create(client, caller, email="joly@example.org", delivery_preference="daily_digest")
    assert digest.json()["delivery_preference"] == "daily_digest"


def test_a_patch_sets_the_preference_and_null_sets_email_again(
    client: TestClient, caller: Caller
) -> None:
    recipient_id = create(client, caller).json()["id"]
    url = f"/v1/recipients/{recipient_id}"
    patched = client.patch(url, json={"delivery_preference": "print_only"}, headers=caller.headers)
    assert patched.status_code == 200, patched.text
    assert patched.json()["delivery_preference"] == "print_only"
    assert "delivery_preference" in patched.json()["locked_fields"]
    other = client.patch(url, json={"party": "Liberal"}, headers=caller.headers)
    assert other.json()["delivery_preference"] == "print_only"
    cleared = client.patch(url, json={"delivery_preference": None}, headers=caller.headers)
    assert cleared.json()["delivery_preference"] == "email"


def test_a_preference_that_is_none_of_them_is_refused_naming_the_field(
    client: TestClient, caller: Caller
) -> None:
    refused = create(client, caller, delivery_preference="fax")
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["errors"][0]["field"] == "delivery_preference"
    recipient_id = create(client, caller).json()["id"]
    patched = client.patch(
        f"/v1/recipients/{recipient_id}",
        json={"delivery_preference": "weekly"},
        headers=caller.headers,
    )
    assert patched.status_code == 422, patched.text
    assert patched.json()["errors"][0]["field"] == "delivery_preference"


def test_an_import_sets_the_preference_from_its_column_or_field(
    client: TestClient, caller: Caller
) -> None:
    csv_body = (
        "external_id,first_name,last_name,email,delivery_preference\n"
        "1,Ziad,Aboultaif,ziad.aboultaif@parl.gc.ca,daily_digest\n"
        "2,Marc,Miller,marc.miller@parl.gc.ca,print_only\n"
        "3,Greg,Fergus,,\n"
    )
    result = import_file(client, caller, csv_body.encode(), "text/csv")
    assert result.status_code == 200, result.text
    json_body = json.dumps(
        [{"external_id": "4", "last_name": "Joly", "delivery_preference": "email"}]
    )
    result = import_file(client, caller, json_body.encode(), "application/json")
    assert result.status_code == 200, result.text
    listed = client.get("/v1/recipients", headers=caller.headers).json()["items"]
    preferences = {item["external_id"]: item["delivery_preference"] for item in listed}
    assert preferences == {"1": "daily_digest", "2": "print_only", "3": "email", "4": "email"}
    bad = "external_id,last_name,delivery_preference\n5,Fax,by_fax\n"
    refused = import_file(client, caller, bad.encode(), "text/csv")
    assert refused.status_code == 422, refused.text
    assert "delivery_preference" in refused.text
