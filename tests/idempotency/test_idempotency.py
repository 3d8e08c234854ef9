"""Idempotency-Key on POSTs: the first answer is kept and given again, the work is done
once even when retries race, and a key reused for another request is refused."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from app.auth.models import Organisation
from app.db import REQUEST_TRANSACTION, make_engine, make_sessionmaker, session_in, utcnow
from app.delivery.email import email_backend
from app.delivery.models import Delivery
from app.idempotency import service
from app.idempotency.jobs import PURGE_BATCH
from app.idempotency.middleware import IdempotencyMiddleware
from app.idempotency.models import IdempotencyKey
from app.letters.models import Action
from app.main import create_app
from app.settings import Settings
from app.worker import Worker
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller, MakeCaller

ACTIONS = "/v1/campaigns/rescind-stca/actions"


@pytest.fixture
def campaign(client: TestClient, caller: Caller) -> dict[str, Any]:
    make_directory(client, caller)
    return make_campaign(client, caller)


def keyed(key: str, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key, **headers}


def action_count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Action)) or 0


def test_a_retry_gets_the_first_answer_and_nothing_is_done_twice(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    first = client.post(ACTIONS, json=action_body(), headers=keyed("retry-1"))
    again = client.post(ACTIONS, json=action_body(), headers=keyed("retry-1"))
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert action_count(session) == 1
    # Without the key, the same body is a second attempt: anonymous, it is answered as a
    # first (a new id), and nothing more is stored.
    repeat = client.post(ACTIONS, json=action_body())
    assert repeat.status_code == 201 and repeat.json()["id"] != first.json()["id"]
    assert action_count(session) == 1


def test_the_same_key_with_another_body_is_422(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    assert client.post(ACTIONS, json=action_body(), headers=keyed("k")).status_code == 201
    other = action_body(supporter={"email": "someone.else@example.org"})
    refused = client.post(ACTIONS, json=other, headers=keyed("k"))
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "/problems/idempotency-key-reused"
    # Nor on another endpoint.
    elsewhere = client.post(
        "/v1/campaigns/elsewhere/actions", json=action_body(), headers=keyed("k")
    )
    assert elsewhere.status_code == 422
    assert action_count(session) == 1


@pytest.mark.parametrize(
    ("method_path", "body"),
    [
        ("/v1/campaigns", {"slug": "x"}),
        ("/v1/recipients", {"first_name": "A"}),
        ("/v1/webhooks", {"url": "https://example.org/hook"}),
    ],
)
def test_an_anonymous_keyed_operation_is_401_before_its_key_is_looked_at(
    client: TestClient, campaign: dict[str, Any], method_path: str, body: dict[str, Any]
) -> None:
    # The key was used before, anonymously, for a public action: whatever the body, a
    # keyed operation without credentials is refused for them, not for the key.
    assert client.post(ACTIONS, json=action_body(), headers=keyed("shared")).status_code == 201
    for _ in range(2):
        refused = client.post(method_path, json=body, headers=keyed("shared"))
        assert refused.status_code == 401, refused.text
        assert refused.json()["type"] == "/problems/unauthenticated"
        assert "Idempotent-Replayed" not in refused.headers
    fresh = client.post(method_path, json=body, headers=keyed("never-used"))
    assert fresh.status_code == 401
    retried = client.post(method_path, json={**body, "other": 1}, headers=keyed("never-used"))
    assert retried.status_code == 401  # not 422: nothing was kept for the first


def test_racing_retries_do_the_work_once(
    client: TestClient, campaign: dict[str, Any], session: Session
) -> None:
    def post(_: int) -> Any:
        return client.post(ACTIONS, json=action_body(), headers=keyed("race"))

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(16)))
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {201, 409} and 201 in statuses
    created = {answer.content for answer in answers if answer.status_code == 201}
    assert len(created) == 1  # every 201 is the one first answer
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["type"] == "/problems/idempotency-key-in-use"
            assert answer.headers["Retry-After"] == "1"
    assert action_count(session) == 1


def test_a_key_still_running_answers_409(
    client: TestClient, campaign: dict[str, Any], session: Session, settings: Settings
) -> None:
    body = action_body()
    request = client.build_request("POST", ACTIONS, json=body)
    fingerprint = service.fingerprint_of("POST", ACTIONS, b"", request.read())
    held = service.claim(session, "public", "slow", fingerprint, settings)
    assert isinstance(held, service.Claimed)
    busy = client.post(ACTIONS, json=body, headers=keyed("slow"))
    assert busy.status_code == 409
    assert action_count(session) == 0


def test_a_key_whose_request_died_is_taken_over_after_its_lock(
    client: TestClient, campaign: dict[str, Any], session: Session, settings: Settings
) -> None:
    body = action_body()
    request = client.build_request("POST", ACTIONS, json=body)
    fingerprint = service.fingerprint_of("POST", ACTIONS, b"", request.read())
    held = service.claim(session, "public", "died", fingerprint, settings)
    assert isinstance(held, service.Claimed)
    session.execute(update(IdempotencyKey).values(locked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert client.post(ACTIONS, json=body, headers=keyed("died")).status_code == 201
    assert action_count(session) == 1


def test_answers_expire_and_are_purged(
    client: TestClient, caller: Caller, session: Session
) -> None:
    recipient = {"first_name": "Ziad", "last_name": "Aboultaif", "elected_office": "MP"}
    first = client.post("/v1/recipients", json=recipient, headers=keyed("old", **caller.headers))
    assert first.status_code == 201
    session.execute(update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    again = client.post("/v1/recipients", json=recipient, headers=keyed("old", **caller.headers))
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    session.execute(update(IdempotencyKey).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert service.purge_expired(session) == 1
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


def test_keys_belong_to_the_caller_that_sent_them(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    other = make_caller()
    recipient = {"first_name": "Ziad", "last_name": "Aboultaif", "elected_office": "MP"}
    mine = client.post("/v1/recipients", json=recipient, headers=keyed("same", **caller.headers))
    theirs = client.post("/v1/recipients", json=recipient, headers=keyed("same", **other.headers))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "Idempotent-Replayed" not in theirs.headers


def test_refusals_are_kept_too_but_rate_limits_are_not(
    settings: Settings, make_caller: MakeCaller
) -> None:
    limited = settings.model_copy(
        update={
            "rate_limit_actions_per_address": "1/hour",
            "rate_limit_held_actions_per_address": "1/hour",
        }
    )
    with TestClient(create_app(limited)) as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        invalid = client.post(ACTIONS, json={"intro": "hi"}, headers=keyed("bad"))
        assert invalid.status_code == 422
        # A replay is not a hit: the limit of 1 is not reached by it.
        replayed = client.post(ACTIONS, json={"intro": "hi"}, headers=keyed("bad"))
        assert replayed.status_code == 422 and replayed.headers["Idempotent-Replayed"] == "true"
        held = client.post(ACTIONS, json=action_body())  # past the limit: held, then 429
        assert held.status_code == 201 and held.json()["confirmation"] == "pending"
        limited_answer = client.post(ACTIONS, json=action_body(), headers=keyed("limited"))
        assert limited_answer.status_code == 429
        with client.app.state.sessionmaker() as session:  # type: ignore[attr-defined]
            keys = set(session.scalars(select(IdempotencyKey.key)))
        assert keys == {"bad"}


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "two words"])
def test_a_malformed_key_is_422_naming_the_header(client: TestClient, key: str) -> None:
    answer = client.post(ACTIONS, json=action_body(), headers={"Idempotency-Key": key})
    assert answer.status_code == 422
    (error,) = answer.json()["errors"]
    assert error["field"] == "Idempotency-Key" and error["in"] == "header"


def test_gets_ignore_the_header(client: TestClient, campaign: dict[str, Any]) -> None:
    stats = "/v1/campaigns/rescind-stca/stats"
    assert client.get(stats, headers=keyed("g")).status_code == 200
    assert "Idempotent-Replayed" not in client.get(stats, headers=keyed("g")).headers


def test_erasing_a_supporter_forgets_the_answers_that_hold_their_letters(
    client: TestClient, caller: Caller, campaign: dict[str, Any], session: Session
) -> None:
    mine = client.post(ACTIONS, json=action_body(), headers=keyed("mine"))
    other = action_body(supporter={"email": "someone.else@example.org"})
    theirs = client.post(ACTIONS, json=other, headers=keyed("theirs"))
    assert mine.status_code == theirs.status_code == 201
    erased = client.delete(
        "/v1/constituents", params={"email": "amelie@example.org"}, headers=caller.headers
    )
    assert erased.status_code == 200, erased.text
    session.expire_all()
    assert set(session.scalars(select(IdempotencyKey.key))) == {"theirs"}
    (kept,) = session.scalars(select(IdempotencyKey.body))
    assert kept is not None and b"amelie@example.org" not in kept


def test_kept_answers_are_sealed_at_rest(
    client: TestClient, caller: Caller, session: Session
) -> None:
    body = {"name": "partner", "scopes": ["letters:read"]}
    headers = keyed("new-key", **caller.headers)
    first = client.post("/v1/api-keys", json=body, headers=headers)
    assert first.status_code == 201
    secret = first.json()["key"]
    (kept,) = session.scalars(select(IdempotencyKey.body))
    assert kept is not None and secret.encode() not in kept and b"partner" not in kept
    again = client.post("/v1/api-keys", json=body, headers=headers)
    assert again.json()["key"] == secret and again.headers["Idempotent-Replayed"] == "true"


def test_an_answer_sealed_under_another_secret_key_is_run_afresh(
    settings: Settings, caller: Caller, session: Session
) -> None:
    body = {"first_name": "Ziad", "last_name": "Aboultaif", "elected_office": "MP"}
    headers = keyed("rotated", **caller.headers)
    with TestClient(create_app(settings)) as client:
        first = client.post("/v1/recipients", json=body, headers=headers)
    rotated = settings.model_copy(update={"secret_key": "another-secret"})
    with TestClient(create_app(rotated)) as client:
        again = client.post("/v1/recipients", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]


def test_a_revoked_key_replays_nothing_not_even_its_own_answers(
    client: TestClient, caller: Caller, make_caller: MakeCaller
) -> None:
    partner = make_caller(organisation_id=caller.organisation_id)
    body = {"name": "made by the partner", "scopes": ["admin"]}
    made = client.post("/v1/api-keys", json=body, headers=keyed("k-1", **partner.headers))
    assert made.status_code == 201
    listed = client.get("/v1/api-keys", headers=caller.headers).json()["items"]
    partner_id = next(key["id"] for key in listed if key["prefix"] == partner.key[:11])
    assert (
        client.post(f"/v1/api-keys/{partner_id}/revoke", headers=caller.headers).status_code == 200
    )
    again = client.post("/v1/api-keys", json=body, headers=keyed("k-1", **partner.headers))
    assert again.status_code == 401 and "Idempotent-Replayed" not in again.headers
    assert made.json()["key"] not in again.text


def test_requests_that_did_nothing_leave_no_key_behind(
    client: TestClient, caller: Caller, session: Session
) -> None:
    body = {"first_name": "Ziad", "last_name": "Aboultaif", "elected_office": "MP"}
    bad_credentials = {"Authorization": "Bearer ld_not-a-key"}
    assert (
        client.post("/v1/recipients", json=body, headers=keyed("a", **bad_credentials)).status_code
        == 401
    )
    assert client.post("/v1/nowhere", json=body, headers=keyed("b")).status_code == 404
    assert (
        client.post("/v1/nowhere", json=body, headers=keyed("c", **caller.headers)).status_code
        == 404
    )
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


def test_a_request_running_past_its_lock_keeps_its_key(settings: Settings) -> None:
    """A request slower than the lock renews it: a retry waits (409) instead of taking
    the key over and doing the work a second time."""
    runs = []
    started, release = anyio.Event(), anyio.Event()

    async def slow(request: Request) -> JSONResponse:
        runs.append(await request.body())
        started.set()
        # Held until the retry has been answered, however slow this machine is today.
        with anyio.fail_after(60):
            await release.wait()
        return JSONResponse({"done": len(runs)}, status_code=201)

    app, engine = keyed_app(settings.model_copy(update={"idempotency_lock_seconds": 1.0}), slow)

    async def both() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            headers = {"Idempotency-Key": "slow"}
            answers: list[httpx.Response] = []

            async def run_first() -> None:
                answers.append(await client.post("/v1/slow", content=b"x", headers=headers))

            async with anyio.create_task_group() as group:
                group.start_soon(run_first)
                await started.wait()
                await anyio.sleep(3.0)  # three times the lock: only renewal keeps it held
                answers.append(await client.post("/v1/slow", content=b"x", headers=headers))
                release.set()
            return answers

    try:
        original, retry = sorted(anyio.run(both), key=lambda answer: answer.status_code)
    finally:
        engine.dispose()
    assert retry.status_code == 409 and original.status_code == 201
    assert runs == [b"x"]


def test_a_request_that_fails_lets_its_key_go(settings: Settings, session: Session) -> None:
    async def boom(request: Request) -> JSONResponse:
        raise RuntimeError("a bug")

    app, engine = keyed_app(settings, boom)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/v1/slow", content=b"x", headers={"Idempotency-Key": "b"})

    try:
        assert anyio.run(post).status_code == 500
    finally:
        engine.dispose()
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


def keyed_app(settings: Settings, endpoint: Any) -> tuple[Starlette, Engine]:
    """A bare application with one POST route behind the idempotency middleware."""
    app = Starlette(
        routes=[Route("/v1/slow", endpoint, methods=["POST"])],
        middleware=[Middleware(IdempotencyMiddleware)],
    )
    engine = make_engine(settings.database_url)
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.settings = settings
    return app, engine


def test_a_worker_clears_a_flood_of_expired_keys_pass_after_pass(
    client: TestClient, settings: Settings, session: Session
) -> None:
    expired = utcnow() - timedelta(seconds=1)
    rows = [
        {
            "id": f"idk_{n:026d}", "owner": "public", "key": f"k{n}", "fingerprint": "f",
            "state": "done", "locked_until": expired, "status_code": 201, "headers": [],
            "body": b"", "created_at": expired, "expires_at": expired,
        }
        for n in range(PURGE_BATCH * 2 + 1)
    ]  # fmt: skip
    session.execute(insert(IdempotencyKey), rows)
    session.commit()
    sessions = client.app.state.sessionmaker  # type: ignore[attr-defined]
    worker = Worker(sessions, email_backend(settings), settings)
    for _ in range(3):  # full passes come back at once, not a minute later
        with sessions() as pass_session:
            worker.schedule.run_due(pass_session, settings)
    assert session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0


def test_a_request_that_rolls_back_part_of_its_work_keeps_the_rest_with_its_answer(
    client: TestClient, campaign: dict[str, Any], caller: Caller, session: Session
) -> None:
    """A repeat action meets the first on a unique constraint and rolls its own rows
    back, inside the keyed request's transaction: the notice it then writes commits with
    the answer, on PostgreSQL as on SQLite, and a retry replays that answer."""
    first = client.post(ACTIONS, json=action_body())
    assert first.status_code == 201
    notices = select(func.count()).where(Delivery.channel == "notice")
    repeat = client.post(ACTIONS, json=action_body(), headers=keyed("repeat"))
    again = client.post(ACTIONS, json=action_body(), headers=keyed("repeat"))
    assert repeat.status_code == again.status_code == 201, repeat.text
    assert again.content == repeat.content and again.headers["Idempotent-Replayed"] == "true"
    assert action_count(session) == 1
    assert session.scalar(notices) == 1
    # A partner's key is told of the first action (409), and that refusal is kept too.
    refused = client.post(ACTIONS, json=action_body(), headers=keyed("partner", **caller.headers))
    replayed = client.post(ACTIONS, json=action_body(), headers=keyed("partner", **caller.headers))
    assert refused.status_code == replayed.status_code == 409, refused.text
    assert replayed.json()["action_id"] == first.json()["id"]
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert action_count(session) == 1
    assert session.scalar(notices) == 1


def test_a_request_that_fails_after_committing_keeps_nothing_it_did(
    settings: Settings, session: Session
) -> None:
    """Its commits were savepoints in the keyed request's transaction: the failure rolls
    them back with it, so a retry finds nothing done and runs it afresh."""
    fail = [True]

    async def commits_then_fails(request: Request) -> JSONResponse:
        def write() -> None:
            sessions = request.app.state.sessionmaker
            with session_in(sessions, request.scope[REQUEST_TRANSACTION]) as work:
                work.add(Organisation(name="Half done"))
                work.commit()

        await run_in_threadpool(write)
        if fail[0]:
            raise RuntimeError("a bug after the commit")
        return JSONResponse({}, status_code=201)

    app, engine = keyed_app(settings, commits_then_fails)

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/v1/slow", content=b"x", headers={"Idempotency-Key": "f"})

    try:
        assert anyio.run(post).status_code == 500
        assert session.scalar(select(func.count()).select_from(Organisation)) == 0
        fail[0] = False
        assert anyio.run(post).status_code == 201
    finally:
        engine.dispose()
    assert session.scalar(select(func.count()).select_from(Organisation)) == 1
