"""The OpenAPI document is the contract: every answer of every operation is declared,
with examples, and the service keeps to it (schemathesis, against the ASGI app and a real
database holding an organisation's data)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from app.db import make_engine
from app.main import create_app
from app.settings import Settings
from tests.api_data import Organisation, make_organisation
from tests.conftest import empty_all_tables, make_caller_for
from tests.directory_feeds import (
    MEMBERS_2025,
    ROLES_2025,
    Feeds,
    feed_server,
    members,
    representative,
    roles,
)

MEDIA_WITHOUT_EXAMPLES = {"application/pdf"}  # binary


# The document does not depend on the database: one app's, read once.
DOCUMENT: dict[str, Any] = create_app(
    Settings(database_url="sqlite://", secret_key="x", _env_file=None)
).openapi()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref") or next(
        (option["$ref"] for option in schema.get("anyOf", []) if "$ref" in option), None
    )
    if ref is None:
        return schema
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]  # type: ignore[no-any-return]


def _has_example(document: dict[str, Any], media_type: str, media: dict[str, Any]) -> bool:
    if media_type in MEDIA_WITHOUT_EXAMPLES or "example" in media or "examples" in media:
        return True
    return "examples" in _resolve(document, media.get("schema", {}))


def test_every_answer_and_body_is_declared_with_an_example() -> None:
    document = DOCUMENT
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for status, response in operation["responses"].items():
                for media_type, media in response.get("content", {}).items():
                    if not _has_example(document, media_type, media):
                        missing.append(f"{where} {status} {media_type}")
                    problem = media_type == "application/problem+json"
                    if status.startswith(("4", "5")) and path.startswith("/v1") and not problem:
                        missing.append(f"{where} {status} is {media_type}")
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                if not _has_example(document, media_type, media):
                    missing.append(f"{where} body {media_type}")
    assert missing == []


def test_scoped_operations_declare_401_and_403_and_bodies_declare_400_413_422() -> None:
    document = DOCUMENT
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            if "security" in operation and {} in operation["security"]:
                assert "401" in declared, (method, path)  # a key is optional, must be live
            elif "security" in operation:
                assert {"401", "403"} <= declared, (method, path)
                forbidden = operation["responses"]["403"]["content"]["application/problem+json"]
                assert forbidden["example"]["required_scope"] == operation["x-required-scope"]
            body = operation.get("requestBody", {}).get("content", {})
            if body:
                assert {"413", "422"} <= declared, (method, path)
            if list(body) == ["application/json"]:
                assert "400" in declared, (method, path)
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_examples_in_the_document_are_valid_for_their_schemas() -> None:
    document = DOCUMENT
    components = {"components": document["components"]}
    checked = 0
    for name, schema in document["components"]["schemas"].items():
        validator = jsonschema_rs.validator_for(
            {"$ref": f"#/components/schemas/{name}"} | components
        )
        for example in schema.get("examples", []):
            assert validator.is_valid(example), (name, list(validator.iter_errors(example)))
            checked += 1
    for operations in document["paths"].values():
        for operation in operations.values():
            for response in operation["responses"].values():
                for media in response.get("content", {}).values():
                    if "example" in media and "schema" in media:
                        validator = jsonschema_rs.validator_for(media["schema"] | components)
                        assert validator.is_valid(media["example"]), media
                        checked += 1
    assert checked > 40


# -- schemathesis -----------------------------------------------------------------------

# Bounded so that make test stays quick; CONTRACT_EXAMPLES=200 searches deeper, once.
EXAMPLES_PER_OPERATION = int(os.environ.get("CONTRACT_EXAMPLES", "25"))
NEGATIVE_EXAMPLES_PER_OPERATION = max(1, EXAMPLES_PER_OPERATION // 2)
# Not `positive_data_acceptance`: a request the schema allows may still be refused with
# 422 for what no schema says (a target that is no recipient of yours, a postal code in
# no district): the service's own rules, tested in their own tests.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
OPERATIONS = [
    (method.upper(), path)
    for path, operations in DOCUMENT["paths"].items()
    for method in operations
]


@dataclass
class Contract:
    """The app on its own database, with an organisation holding something of everything."""

    client: TestClient
    organisation: Organisation
    database: Path | None  # the SQLite file
    snapshot: Path | None  # the database as it was made

    def start_afresh(self) -> None:
        """Put the SQLite database back as it was made."""
        assert self.database and self.snapshot
        self.client.app.state.engine.dispose()  # type: ignore[attr-defined]
        for leftover in ("-wal", "-shm"):
            self.database.with_name(self.database.name + leftover).unlink(missing_ok=True)
        shutil.copy(self.snapshot, self.database)


@pytest.fixture(scope="module")
def contract_feeds() -> Iterator[Feeds]:
    with feed_server() as feeds:
        house = members(MEMBERS_2025)[:12]
        feeds.serve_house(house, roles(ROLES_2025))
        feeds.serve_represent("house-of-commons", [representative(m) for m in house], 100)
        yield feeds


@pytest.fixture(scope="module")
def contract(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Contract]:
    """Shared by the operations' tests (building it takes seconds). SQLite, the embedded
    default; CONTRACT_DATABASE=postgresql runs them on PostgreSQL."""
    tmp_path = tmp_path_factory.mktemp("contract")
    database: Path | None = None
    if os.environ.get("CONTRACT_DATABASE") == "postgresql":
        database_url = request.getfixturevalue("postgres_url")
    else:
        database = tmp_path / "letterdesk.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), database)
        database_url = f"sqlite:///{database}"
    settings = Settings(
        database_url=database_url,
        secret_key="test-secret",
        outbox_dir=tmp_path / "outbox",
        print_dir=tmp_path / "print",
        _env_file=None,
    )
    # Directory syncs read recorded feeds on loopback (a few members: many syncs run).
    feeds = request.getfixturevalue("contract_feeds")
    feeds.configure(settings)
    with TestClient(create_app(settings)) as client:
        organisation = make_organisation(client, make_caller_for(client))
        snapshot = None
        if database is not None:
            client.app.state.engine.dispose()  # type: ignore[attr-defined]
            snapshot = tmp_path / "snapshot.db"
            shutil.copy(database, snapshot)
        yield Contract(client, organisation, database, snapshot)
    if database is None:
        engine = make_engine(database_url)
        empty_all_tables(engine)
        engine.dispose()


@pytest.fixture(scope="module")
def api_schema(contract: Contract) -> OpenApiSchema:
    """The document as the app serves it, calling the app in process; generated path
    parameters are now and then replaced by the organisation's real ids and slugs, so
    that operations reach past 404 to the resource itself."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", contract.client.app)
    return _with_real_ids(schema, contract.organisation)


def _with_real_ids(schema: OpenApiSchema, organisation: Organisation) -> OpenApiSchema:
    # Unknown query parameters are ignored, as by most HTTP APIs, not refused; the key is
    # the organisation's admin key, sent with every request.
    schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)

    @schema.hook("flatmap_path_parameters")
    def real_ids(context: Any, path_parameters: dict[str, Any] | None) -> st.SearchStrategy[Any]:
        if not path_parameters:
            return st.just(path_parameters)
        return st.fixed_dictionaries(
            {
                name: st.sampled_from([value, organisation.ids[name]])
                if name in organisation.ids
                else st.just(value)
                for name, value in path_parameters.items()
            }
        )

    return schema


def _spoils_only_the_body(case: schemathesis.Case[Any]) -> bool:
    """Query parameters are read leniently, as FastAPI reads them (the last of repeated
    values, an empty one as absent): refusing what the schema would not allow there is
    no part of the contract. JSON bodies are read strictly: what breaks the schema must
    be refused."""
    assert case.meta is not None
    spoiled = {
        location
        for location, component in case.meta.components.items()
        if component.mode == GenerationMode.NEGATIVE
    }
    return spoiled == {ParameterLocation.BODY}


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_service_keeps_to_its_openapi_document(
    api_schema: OpenApiSchema,
    contract: Contract,
    method: str,
    path: str,
) -> None:
    """No 5xx, and every answer's status, content type, headers and body as declared:
    for the document's examples, then valid requests, then invalid ones (which must be
    refused)."""
    _keeps_to_the_document(
        api_schema,
        contract.organisation,
        method,
        path,
        EXAMPLES_PER_OPERATION,
        NEGATIVE_EXAMPLES_PER_OPERATION,
    )


def _keeps_to_the_document(
    api_schema: OpenApiSchema,
    organisation: Organisation,
    method: str,
    path: str,
    positives: int,
    negatives: int,
) -> None:
    operation = api_schema[path][method]
    examples = api_schema.get_strategies_from_examples(operation)
    positive = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    runs = [(example, 1) for example in examples] + [(positive, positives)]
    if [body.media_type for body in operation.body] == ["application/json"]:
        negative = operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        runs.append((negative.filter(_spoils_only_the_body), negatives))
    for strategy, count in runs:

        @given(case=strategy)
        @settings(
            max_examples=count,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_the_document(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(headers=organisation.admin.headers, checks=CHECKS)

        keeps_to_the_document()


STATEFUL_SCENARIOS = max(1, EXAMPLES_PER_OPERATION // 2)


@pytest.mark.skipif(
    os.environ.get("CONTRACT_DATABASE") == "postgresql",
    reason="each workflow starts from a copy of the SQLite database",
)
def test_workflows_along_the_documents_links_keep_to_it(
    api_schema: OpenApiSchema, contract: Contract
) -> None:
    """Chains of calls where one answer's ids feed the next request (links schemathesis
    infers from the document: a recipient made, then fetched, changed, deleted; a batch
    made, then its files...), each answer as declared. Each chain starts from the
    database as it was made: hypothesis replays a chain and must find what it found."""
    organisation = contract.organisation
    # Not revoking keys: a workflow would revoke its own from the list of keys.
    workflows = api_schema.exclude(path="/v1/api-keys/{key_id}/revoke").as_state_machine()

    class Workflow(workflows):  # type: ignore[misc,valid-type]
        def setup(self) -> None:
            contract.start_afresh()

        def get_call_kwargs(self, case: schemathesis.Case[Any]) -> dict[str, Any]:
            return {"headers": organisation.admin.headers}

        def validate_response(
            self, response: Any, case: schemathesis.Case[Any], *_: Any, **kwargs: Any
        ) -> None:
            case.validate_response(response, checks=CHECKS[:-1], headers=kwargs.get("headers"))

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )


# -- the same, from outside: a real server over HTTP -------------------------------------

# Keyed operations that destroy a credential: revoking a key (the run's own admin key or
# the spare one) would leave the rest of the run answering 401 and testing nothing, and
# rotating a webhook's secret throws away the one a partner holds. Both are held to the
# document by the in-process run above, on its own database.
DESTROYS_CREDENTIALS = {
    ("POST", "/v1/api-keys/{key_id}/revoke"),
    ("POST", "/v1/webhooks/{webhook_id}/rotate-secret"),
}
LIVE_OPERATIONS = [operation for operation in OPERATIONS if operation not in DESTROYS_CREDENTIALS]
LIVE_EXAMPLES_PER_OPERATION = max(1, EXAMPLES_PER_OPERATION // 5)


@dataclass
class LiveServer:
    url: str
    organisation: Organisation


@pytest.fixture(scope="module")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """uvicorn serving `app.asgi:app` on a loopback port, in its own process, on a
    throwaway SQLite database holding an organisation's data (made through the API in
    process first, then served)."""
    tmp_path = tmp_path_factory.mktemp("live")
    database = tmp_path / "letterdesk.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), database)
    environment = {
        "LETTERDESK_DATABASE_URL": f"sqlite:///{database}",
        "LETTERDESK_SECRET_KEY": "test-secret",
        "LETTERDESK_OUTBOX_DIR": str(tmp_path / "outbox"),
        "LETTERDESK_PRINT_DIR": str(tmp_path / "print"),
        "LETTERDESK_LOG_LEVEL": "warning",
    }
    settings = Settings(
        database_url=environment["LETTERDESK_DATABASE_URL"],
        secret_key="test-secret",
        outbox_dir=tmp_path / "outbox",
        print_dir=tmp_path / "print",
        _env_file=None,
    )
    with TestClient(create_app(settings)) as client:
        organisation = make_organisation(client, make_caller_for(client))
    listener = socket.create_server(("127.0.0.1", 0))  # handed to uvicorn: no port race
    port = listener.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--fd", str(listener.fileno())],
        pass_fds=[listener.fileno()],
        env={key: value for key, value in os.environ.items() if not key.startswith("LETTERDESK_")}
        | environment,
        cwd=tmp_path,  # no .env of the developer's is read
    )
    listener.close()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_it_answers(server, url)
        yield LiveServer(url, organisation)
    finally:
        server.terminate()
        server.wait()


def _wait_until_it_answers(server: subprocess.Popen[bytes], url: str) -> None:
    while server.poll() is None:
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # not listening yet: no assertion rests on this
    raise AssertionError(f"uvicorn exited with {server.returncode}")


@pytest.fixture(scope="module")
def live_schema(live_server: LiveServer) -> OpenApiSchema:
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json")
    return _with_real_ids(schema, live_server.organisation)


@pytest.mark.parametrize(
    ("method", "path"), LIVE_OPERATIONS, ids=[f"{m} {p}" for m, p in LIVE_OPERATIONS]
)
def test_a_live_server_keeps_to_its_openapi_document_over_http(
    live_schema: OpenApiSchema, live_server: LiveServer, method: str, path: str
) -> None:
    """The same checks as in process, through uvicorn and a real socket: what HTTP framing,
    the server's own headers and its reading of bodies add must keep to the document too."""
    _keeps_to_the_document(
        live_schema,
        live_server.organisation,
        method,
        path,
        LIVE_EXAMPLES_PER_OPERATION,
        max(1, LIVE_EXAMPLES_PER_OPERATION // 2),
    )


def test_the_live_run_leaves_out_only_what_destroys_credentials() -> None:
    assert set(OPERATIONS) >= DESTROYS_CREDENTIALS
    assert len(LIVE_OPERATIONS) == len(OPERATIONS) - len(DESTROYS_CREDENTIALS)
