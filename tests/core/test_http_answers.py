"""Answers the framework gives before a handler runs: a body that cannot be read as JSON
and a method a path does not take each get a clear 4xx saying what is wrong."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.errors import DomainError
from app.main import create_app
from app.settings import Settings
from tests.conftest import Caller

UNREADABLE_BODIES = [
    (b'{"intro": "caf\xe9"}', "not UTF-8"),
    (b'{"intro": "\xff\xfe"}', "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nests"),
    (b'{"goal": ' + b"9" * 5000 + b"}", "digits"),
    (b'{"goal": -' + b"1" * 4301 + b"}", "digits"),
]


@pytest.mark.parametrize(("body", "says"), UNREADABLE_BODIES)
@pytest.mark.parametrize("path", ["/v1/campaigns", "/v1/campaigns/any-campaign/actions"])
def test_a_body_that_cannot_be_read_as_json_is_a_400_saying_why(
    client: TestClient, caller: Caller, path: str, body: bytes, says: str
) -> None:
    headers = caller.headers | {"Content-Type": "application/json"}
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/malformed-json"
    assert says in problem["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/v1/recipients", {"GET", "POST"}),
        ("DELETE", "/v1/campaigns", {"GET", "POST"}),
        ("PUT", "/v1/campaigns/cmp_x", {"GET", "PATCH"}),
        ("POST", "/v1/recipients/rcp_x", {"GET", "PATCH", "DELETE"}),
        ("DELETE", "/c/some-campaign", {"GET", "POST"}),
        ("PATCH", "/v1/webhooks", {"GET", "POST"}),
    ],
)
def test_405_lists_every_method_the_path_takes(method: str, path: str, allowed: set[str]) -> None:
    app = create_app(Settings(database_url="sqlite://", secret_key="x", _env_file=None))
    with TestClient(app) as client:
        response = client.request(method, path)
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == allowed
    assert response.json()["type"] == "/problems/method-not-allowed"


def test_every_problem_type_is_documented_in_the_readme_and_the_openapi_document() -> None:
    raised = {cls.slug for cls in DomainError.__subclasses__()}
    answered = {"malformed-json", "method-not-allowed", "internal-error"}
    kept = {"idempotency-key-in-use", "idempotency-key-reused"}
    readme = (Path(__file__).parent.parent.parent / "README.md").read_text()
    app = create_app(Settings(database_url="sqlite://", secret_key="x", _env_file=None))
    described = app.openapi()["components"]["schemas"]["Problem"]["properties"]["type"]
    for slug in raised | answered | kept:
        assert f"`/problems/{slug}`" in readme, slug
        assert f"/problems/{slug} " in described["description"], slug
