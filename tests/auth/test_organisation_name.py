"""The organisation's own name changes through `PATCH /v1/organisation`, checked as a new
organisation's is (1 to 200 characters, one line, no control or invisible characters)
and unique on the service: another organisation's name is a 409 naming the field."""

import pytest
from fastapi.testclient import TestClient

from app.auth import service as auth
from app.errors import InvalidInput
from tests.conftest import Caller, MakeCaller

NEW_NAME = "Amnistie internationale Canada francophone"


def rename(client: TestClient, caller: Caller, name: object) -> dict[str, object]:
    answer = client.patch("/v1/organisation", json={"name": name}, headers=caller.headers)
    body: dict[str, object] = answer.json() | {"status": answer.status_code}
    return body


def test_the_organisation_is_renamed_and_its_identity_stays(
    client: TestClient, caller: Caller
) -> None:
    patched = client.patch(
        "/v1/organisation", json={"email_name": "Amnistie"}, headers=caller.headers
    )
    assert patched.status_code == 200, patched.text
    renamed = rename(client, caller, f"  {NEW_NAME} ")
    assert renamed["status"] == 200, renamed
    assert renamed["name"] == NEW_NAME  # trimmed
    shown = client.get("/v1/organisation", headers=caller.headers).json()
    assert (shown["name"], shown["email_name"]) == (NEW_NAME, "Amnistie")
    # A PATCH without the name leaves it; the same name again is no clash with itself.
    assert rename(client, caller, NEW_NAME)["status"] == 200
    assert (
        client.patch("/v1/organisation", json={"email_name": None}, headers=caller.headers).json()[
            "name_in_email"
        ]
        == NEW_NAME
    )


@pytest.mark.parametrize(
    "name", [None, "", "   ", "x" * 201, "Amnesty\r\nBcc: someone", "Amnesty\u202eInternational"]
)
def test_a_bad_name_is_refused_naming_the_field(
    client: TestClient, caller: Caller, name: object
) -> None:
    before = client.get("/v1/organisation", headers=caller.headers).json()["name"]
    refused = rename(client, caller, name)
    assert refused["status"] == 422, refused
    assert refused["type"] == "/problems/validation-error"
    assert [error["field"] for error in refused["errors"]] == ["name"]  # type: ignore[attr-defined]
    assert client.get("/v1/organisation", headers=caller.headers).json()["name"] == before


def test_another_organisations_name_is_a_conflict(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    other = make_caller()
    other_name = client.get("/v1/organisation", headers=other.headers).json()["name"]
    before = client.get("/v1/organisation", headers=caller.headers).json()["name"]
    clash = rename(client, caller, other_name)
    assert clash["status"] == 409, clash
    assert str(clash["type"]).endswith("/problems/organisation-name-taken"), clash
    assert [error["field"] for error in clash["errors"]] == ["name"]  # type: ignore[attr-defined]
    assert client.get("/v1/organisation", headers=caller.headers).json()["name"] == before


@pytest.mark.parametrize("name", ["Amnesty\r\nBcc: someone", "Amnesty\u202eInternational", " "])
def test_a_new_organisation_is_refused_the_names_a_rename_is(client: TestClient, name: str) -> None:
    """`letterdesk org create` checks a name as PATCH does: a line break or a bidi
    override would ride into every email the organisation sends."""
    maker = client.app.state.sessionmaker  # type: ignore[attr-defined]
    with maker() as db, pytest.raises(InvalidInput):
        auth.create_organisation(db, name)
