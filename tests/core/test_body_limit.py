"""Request bodies are read only once the route and the caller's key say they may be, and
only up to the route's bound: nobody without a key can make the service buffer an
import's 20 MB, nor any body at all on a path that is not there."""

from dataclasses import dataclass, field

import anyio
import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from app.auth.scopes import Scope
from tests.conftest import Caller, MakeCaller

CHUNK = 64 * 1024
BIG = 19_000_000  # under the import bound, far over the default one


@dataclass
class Sent:
    """A request body streamed chunk by chunk, made as it is pulled; counts what the
    service pulled."""

    size: int
    pulled: int = 0
    answer: list[Message] = field(default_factory=list)

    async def receive(self) -> Message:
        if self.pulled >= self.size:
            await anyio.sleep_forever()  # the body is over: only a disconnect would come
        chunk = min(CHUNK, self.size - self.pulled)
        self.pulled += chunk
        return {"type": "http.request", "body": b"x" * chunk, "more_body": self.pulled < self.size}

    async def send(self, message: Message) -> None:
        self.answer.append(message)

    @property
    def status(self) -> int:
        return int(self.answer[0]["status"])


def post(
    client: TestClient, path: str, size: int, headers: dict[str, str], method: str = "POST"
) -> Sent:
    sent = Sent(size)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"text/csv")]
        + [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }

    async def call() -> None:
        with anyio.fail_after(120):
            await client.app(scope, sent.receive, sent.send)

    anyio.run(call)
    return sent


@pytest.mark.parametrize(
    "path", ["/anything/import", "/v1/anything/import", "/v1/recipients/x/import", "/import"]
)
def test_a_path_that_is_not_there_answers_404_without_reading_the_body(
    client: TestClient, caller: Caller, path: str
) -> None:
    for headers in ({}, caller.headers):
        sent = post(client, path, BIG, headers)
        assert sent.status == 404
        assert sent.pulled == 0


def test_a_method_the_path_does_not_take_answers_405_without_reading_the_body(
    client: TestClient,
) -> None:
    sent = post(client, "/v1/recipients/import", BIG, {}, method="PUT")
    assert sent.status == 405
    assert sent.pulled == 0


@pytest.mark.parametrize(
    "authorization", [None, "Bearer ld_not-a-key", "Basic dXNlcjpwYXNz", "Bearer "]
)
@pytest.mark.parametrize("path", ["/v1/recipients/import", "/v1/districts/postal-codes/import"])
def test_an_import_without_a_live_key_answers_401_without_reading_the_body(
    client: TestClient, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    sent = post(client, path, BIG, headers)
    assert sent.status == 401
    assert sent.pulled == 0


def test_an_import_with_a_key_of_another_scope_answers_403_without_reading_the_body(
    client: TestClient, make_caller: MakeCaller
) -> None:
    reader = make_caller([Scope.DIRECTORY_READ])
    sent = post(client, "/v1/recipients/import", BIG, reader.headers)
    assert sent.status == 403
    assert sent.pulled == 0


def test_a_revoked_key_cannot_make_an_import_read_its_body(
    client: TestClient, make_caller: MakeCaller
) -> None:
    admin = make_caller()
    other = make_caller(organisation_id=admin.organisation_id)
    key_id = client.get("/v1/api-keys", headers=admin.headers).json()["items"][-1]["id"]
    assert client.post(f"/v1/api-keys/{key_id}/revoke", headers=admin.headers).status_code == 200
    sent = post(client, "/v1/recipients/import", BIG, other.headers)
    assert sent.status == 401
    assert sent.pulled == 0


def test_a_keyed_operation_without_a_key_answers_401_without_reading_the_body(
    client: TestClient,
) -> None:
    sent = post(client, "/v1/recipients", 900_000, {})
    assert sent.status == 401
    assert sent.pulled == 0


def test_an_import_with_its_key_reads_past_the_default_bound(
    client: TestClient, caller: Caller
) -> None:
    """The import bound is the import route's: the body is read (and, not being CSV a
    recipient could come from, refused), not cut off at the default bound."""
    sent = post(client, "/v1/recipients/import", 2_000_000, caller.headers)
    assert sent.pulled == 2_000_000
    assert sent.status in {400, 422}


def test_past_the_import_bound_an_import_answers_413(client: TestClient, caller: Caller) -> None:
    sent = post(client, "/v1/recipients/import", 20_000_000 + 10 * CHUNK, caller.headers)
    assert sent.status == 413
    assert sent.pulled <= 20_000_000 + CHUNK
