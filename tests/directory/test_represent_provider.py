"""The Represent district provider against a real HTTP server on loopback: what it reads
from `/postcodes/{CODE}/`, how it retries and gives up, what it caches; and the lookup API
answering from it."""

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.directory.lookup import DistrictMatch, RepresentProvider
from app.errors import UpstreamUnavailable
from app.settings import Settings
from tests.conftest import Caller

Answer = tuple[int, str]
NO_SESSION = cast(Session, None)
ORG = "org_x"


@dataclass
class FakeRepresent:
    """A Represent server whose answers each test scripts: `answers[CODE]` is given in
    order, its last answer repeated; an unscripted code is 404. `delay` holds every
    answer back that many seconds."""

    url: str = ""
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    delay: float = 0.0
    paths: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def answer(self, code: str, *answers: Answer) -> None:
        self.answers[code] = list(answers)

    def next_answer(self, path: str) -> Answer:
        with self.lock:
            self.paths.append(path)
            parts = path.strip("/").split("/")
            script = self.answers.get(parts[1]) if len(parts) == 2 else None
            if parts[0] != "postcodes" or not script:
                return 404, json.dumps({"error": "Not Found"})
            return script.pop(0) if len(script) > 1 else script[0]

    @property
    def requests(self) -> int:
        with self.lock:
            return len(self.paths)


def representative(name: str, district: str, office: str = "MP") -> dict[str, Any]:
    return {
        "name": name,
        "first_name": name.split()[0],
        "last_name": name.split()[-1],
        "district_name": district,
        "elected_office": office,
        "party_name": "Liberal",
        "email": f"{name.split()[-1].lower()}@example.org",
        "representative_set_name": "House of Commons",
        "offices": [{"type": "constituency", "postal": "1 Main St\nOttawa ON", "tel": "1"}],
        "extra": {},
    }


def postcode(
    code: str, centroid: list[dict[str, Any]], concordance: list[dict[str, Any]] | None = None
) -> Answer:
    return 200, json.dumps(
        {
            "code": code,
            "city": "Ottawa",
            "province": "ON",
            "centroid": {"type": "Point", "coordinates": [-75.69, 45.42]},
            "boundaries_centroid": [],
            "boundaries_concordance": [],
            "representatives_centroid": centroid,
            "representatives_concordance": concordance if concordance is not None else centroid,
        },
        ensure_ascii=False,
    )


FORTIER = representative("Mona Fortier", "Ottawa—Vanier")
MPP = representative("Lucille Collard", "Ottawa—Vanier", "MPP")
COUNCILLOR = representative("Stéphanie Plante", "Rideau-Vanier", "Councillor")
MCKENNEY = representative("Catherine McKenney", "Ottawa Centre")
OTTAWA = postcode("K1A0A6", [FORTIER, MPP, COUNCILLOR])


@pytest.fixture
def represent() -> Iterator[FakeRepresent]:
    fake = FakeRepresent()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = fake.next_answer(self.path)
            if fake.delay:
                fake.stopping.wait(fake.delay)
            payload = body.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        fake.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def provider_for(url: str, **options: Any) -> RepresentProvider:
    defaults: dict[str, Any] = {"timeout": 2.0, "attempts": 3, "backoff_seconds": 0.01}
    return RepresentProvider(url, **(defaults | options))


@pytest.fixture
def provider(represent: FakeRepresent) -> Iterator[RepresentProvider]:
    made = provider_for(represent.url)
    yield made
    made.close()


# What is read from the answer


def test_one_mp_district_is_read_from_the_centroid(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    represent.answer("K1A0A6", postcode("K1A0A6", [FORTIER, MPP, COUNCILLOR], []))
    assert provider.districts_for(NO_SESSION, ORG, "K1A 0A6") == [
        DistrictMatch("Ottawa—Vanier", province="ON")
    ]


def test_representatives_of_other_offices_are_ignored(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    represent.answer("K1A0A6", postcode("K1A0A6", [MPP, COUNCILLOR], [MPP, COUNCILLOR]))
    assert provider.districts_for(NO_SESSION, ORG, "K1A 0A6") == []


def test_the_elected_office_is_configurable(represent: FakeRepresent) -> None:
    represent.answer("K1A0A6", OTTAWA)
    made = provider_for(represent.url, elected_office="mpp")
    try:
        assert made.districts_for(NO_SESSION, ORG, "K1A 0A6") == [
            DistrictMatch("Ottawa—Vanier", province="ON")
        ]
    finally:
        made.close()


def test_district_names_with_dashes_and_accents_are_kept_as_given(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    mp = representative("Luc Berthold", "Mégantic—L\u2019Érable—Lotbinière")
    represent.answer("G6B1A1", postcode("G6B1A1", [mp]))
    [match] = provider.districts_for(NO_SESSION, ORG, "G6B 1A1")
    assert match.name == "Mégantic—L\u2019Érable—Lotbinière"
    assert match.key == "megantic-l'erable-lotbiniere"


def test_a_postal_code_straddling_two_districts_answers_both(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    # Concordance lists the centroid's district again (with another dash) and after the other.
    fortier_hyphen = representative("Mona Fortier", "Ottawa-Vanier")
    represent.answer(
        "K1N5T5", postcode("K1N5T5", [FORTIER, MPP], [MCKENNEY, MPP, fortier_hyphen, MCKENNEY])
    )
    assert provider.districts_for(NO_SESSION, ORG, "K1N 5T5") == [
        DistrictMatch("Ottawa—Vanier", province="ON"),
        DistrictMatch("Ottawa Centre", province="ON"),
    ]


def test_districts_only_in_the_concordance_are_found(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    represent.answer("K1N5T5", postcode("K1N5T5", [], [MCKENNEY, FORTIER]))
    assert provider.districts_for(NO_SESSION, ORG, "K1N 5T5") == [
        DistrictMatch("Ottawa Centre", province="ON"),
        DistrictMatch("Ottawa—Vanier", province="ON"),
    ]


def test_an_unknown_postal_code_answers_no_district(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    assert provider.districts_for(NO_SESSION, ORG, "X0A 0A0") == []
    assert represent.paths == ["/postcodes/X0A0A0/"]


def test_the_request_path_is_the_compact_upper_case_code(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    represent.answer("K1A0A6", OTTAWA)
    provider.districts_for(NO_SESSION, ORG, "K1A 0A6")
    assert represent.paths == ["/postcodes/K1A0A6/"]
    provider.districts_for(NO_SESSION, ORG, "k1a0a6")
    assert represent.paths == ["/postcodes/K1A0A6/"]  # same code, so from the cache


def test_a_base_url_with_a_path_and_a_slash_is_kept(represent: FakeRepresent) -> None:
    made = provider_for(represent.url + "/represent/")
    try:
        made.districts_for(NO_SESSION, ORG, "K1A 0A6")
    finally:
        made.close()
    assert represent.paths == ["/represent/postcodes/K1A0A6/"]


# Retries and failures


def test_a_server_error_is_retried_and_the_answer_returned(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    represent.answer("K1A0A6", (500, "oops"), OTTAWA)
    assert provider.districts_for(NO_SESSION, ORG, "K1A 0A6") == [
        DistrictMatch("Ottawa—Vanier", province="ON")
    ]
    assert represent.requests == 2


@pytest.mark.parametrize("status", [429, 503])
def test_a_server_refusing_every_attempt_is_unavailable(
    represent: FakeRepresent, status: int
) -> None:
    represent.answer("K1A0A6", (status, json.dumps({"error": "busy"})))
    made = provider_for(represent.url, attempts=4)
    try:
        with pytest.raises(UpstreamUnavailable, match=rf"4 attempts.*HTTP {status}"):
            made.districts_for(NO_SESSION, ORG, "K1A 0A6")
    finally:
        made.close()
    assert represent.requests == 4


def test_a_server_slower_than_the_timeout_is_retried_then_unavailable(
    represent: FakeRepresent,
) -> None:
    represent.answer("K1A0A6", OTTAWA)
    represent.delay = 1.0
    made = provider_for(represent.url, timeout=0.3, attempts=2)
    started = time.monotonic()
    try:
        with pytest.raises(UpstreamUnavailable, match=r"2 attempts.*Timeout"):
            made.districts_for(NO_SESSION, ORG, "K1A 0A6")
    finally:
        made.close()
    assert time.monotonic() - started < 1.5
    assert represent.requests == 2


def test_a_refused_connection_is_unavailable() -> None:
    # A socket bound but not listening: connecting to its port is refused.
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        made = provider_for(f"http://127.0.0.1:{bound.getsockname()[1]}", attempts=2)
        try:
            with pytest.raises(UpstreamUnavailable, match="ConnectError"):
                made.districts_for(NO_SESSION, ORG, "K1A 0A6")
        finally:
            made.close()


@pytest.mark.parametrize(
    "body",
    [
        "<html>Bad gateway</html>",
        "[]",
        "",
        '{"representatives_centroid": 5}',
        '{"representatives_concordance": {"a": 1}}',
    ],
)
def test_an_answer_that_is_not_a_json_object_is_unavailable(
    represent: FakeRepresent, provider: RepresentProvider, body: str
) -> None:
    represent.answer("K1A0A6", (200, body))
    with pytest.raises(UpstreamUnavailable):
        provider.districts_for(NO_SESSION, ORG, "K1A 0A6")


def test_an_unexpected_client_error_is_unavailable_without_retry(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    represent.answer("K1A0A6", (400, json.dumps({"error": "bad"})))
    with pytest.raises(UpstreamUnavailable, match="HTTP 400"):
        provider.districts_for(NO_SESSION, ORG, "K1A 0A6")
    assert represent.requests == 1


# Cache


def test_a_second_lookup_of_a_code_makes_no_request(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    represent.answer("K1A0A6", OTTAWA)
    first = provider.districts_for(NO_SESSION, ORG, "K1A 0A6")
    assert provider.districts_for(NO_SESSION, ORG, "K1A 0A6") == first
    assert represent.requests == 1


def test_an_unknown_code_is_cached_too(
    represent: FakeRepresent, provider: RepresentProvider
) -> None:
    assert provider.districts_for(NO_SESSION, ORG, "X0A 0A0") == []
    assert provider.districts_for(NO_SESSION, ORG, "X0A 0A0") == []
    assert represent.requests == 1


def test_a_failure_is_not_cached(represent: FakeRepresent, provider: RepresentProvider) -> None:
    represent.answer("K1A0A6", (503, ""), (503, ""), (503, ""), OTTAWA)
    with pytest.raises(UpstreamUnavailable):
        provider.districts_for(NO_SESSION, ORG, "K1A 0A6")
    assert provider.districts_for(NO_SESSION, ORG, "K1A 0A6") == [
        DistrictMatch("Ottawa—Vanier", province="ON")
    ]
    assert represent.requests == 4


def test_a_cached_answer_expires(represent: FakeRepresent) -> None:
    represent.answer("K1A0A6", OTTAWA)
    made = provider_for(represent.url, cache_seconds=0.2)
    try:
        made.districts_for(NO_SESSION, ORG, "K1A 0A6")
        made.districts_for(NO_SESSION, ORG, "K1A 0A6")
        assert represent.requests == 1
        time.sleep(0.25)
        made.districts_for(NO_SESSION, ORG, "K1A 0A6")
        assert represent.requests == 2
    finally:
        made.close()


def test_a_full_cache_forgets_its_oldest_code(represent: FakeRepresent) -> None:
    for code in ("K1A0A1", "K1A0A2", "K1A0A3"):
        represent.answer(code, postcode(code, [FORTIER]))
    made = provider_for(represent.url, cache_size=2)
    try:
        for code in ("K1A 0A1", "K1A 0A2", "K1A 0A3"):
            made.districts_for(NO_SESSION, ORG, code)
        made.districts_for(NO_SESSION, ORG, "K1A 0A2")
        made.districts_for(NO_SESSION, ORG, "K1A 0A3")
        assert represent.requests == 3
        made.districts_for(NO_SESSION, ORG, "K1A 0A1")
        assert represent.paths[-1] == "/postcodes/K1A0A1/"
        assert represent.requests == 4
    finally:
        made.close()


# Through the API


@pytest.fixture
def settings(database_url: str, tmp_path: Path, represent: FakeRepresent) -> Settings:
    """Overrides conftest's: the app asks the loopback Represent server."""
    return Settings(
        database_url=database_url,
        demo_key_file=tmp_path / "demo-api-key",
        secret_key="test-secret",
        lookup_provider="represent",
        represent_url=represent.url,
        represent_timeout_seconds=1.0,
        represent_attempts=1,
        _env_file=None,
    )


def add_fortier(client: TestClient, caller: Caller) -> dict[str, Any]:
    created = client.post(
        "/v1/recipients",
        json={
            "first_name": "Mona",
            "last_name": "Fortier",
            "elected_office": "MP",
            "district": {"name": "Ottawa—Vanier", "province": "ON"},
        },
        headers=caller.headers,
    )
    assert created.status_code == 201, created.text
    return cast(dict[str, Any], created.json())


def test_the_lookup_api_answers_the_directory_recipients_of_represents_district(
    client: TestClient, caller: Caller, represent: FakeRepresent
) -> None:
    fortier = add_fortier(client, caller)
    # Represent spells the district with a hyphen; the directory with an em dash.
    represent.answer(
        "K1A0A6", postcode("K1A0A6", [representative("Mona Fortier", "Ottawa-Vanier")])
    )
    response = client.get("/v1/districts/lookup?postal_code=k1a0a6", headers=caller.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["postal_code"] == "K1A 0A6"
    assert body["provider"] == "represent"
    assert body["ambiguous"] is False
    [district] = body["districts"]
    assert district["name"] == "Ottawa-Vanier"
    assert [r["id"] for r in district["representatives"]] == [fortier["id"]]
    assert district["representatives"][0]["display_name"] == "Mona Fortier"
    assert represent.paths == ["/postcodes/K1A0A6/"]


def test_the_lookup_api_answers_every_district_of_a_straddling_code(
    client: TestClient, caller: Caller, represent: FakeRepresent
) -> None:
    add_fortier(client, caller)
    represent.answer("K1N5T5", postcode("K1N5T5", [FORTIER], [FORTIER, MCKENNEY]))
    response = client.get("/v1/districts/lookup?postal_code=K1N 5T5", headers=caller.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ambiguous"] is True
    assert [d["name"] for d in body["districts"]] == ["Ottawa—Vanier", "Ottawa Centre"]
    assert [len(d["representatives"]) for d in body["districts"]] == [1, 0]


def test_the_lookup_api_answers_503_when_represent_is_down(
    client: TestClient, caller: Caller, represent: FakeRepresent
) -> None:
    represent.answer("K1A0A6", (502, "<html>Bad gateway</html>"))
    response = client.get("/v1/districts/lookup?postal_code=K1A0A6", headers=caller.headers)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/upstream-unavailable"


def test_the_lookup_api_answers_404_for_a_code_represent_does_not_know(
    client: TestClient, caller: Caller
) -> None:
    response = client.get("/v1/districts/lookup?postal_code=X0A0A0", headers=caller.headers)
    assert response.status_code == 404
    assert response.json()["provider"] == "represent"
