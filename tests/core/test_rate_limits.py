"""Rate limits on the public endpoints: per client address and per supporter email, in
memory or shared through a real Redis."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from starlette.requests import Request

from app.errors import TooManyRequests
from app.main import create_app
from app.rate_limits import Limit, MemoryCounter, RateLimiter, RedisCounter, client_address
from app.settings import Settings
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import MakeCaller
from tests.web.test_web_pages import form

REDIS_URL = "redis://127.0.0.1:6379/0"


def supporter(n: int) -> dict[str, Any]:
    return action_body(supporter={"email": f"supporter{n}@example.org"})


def act(client: TestClient, body: dict[str, Any]) -> Any:
    return client.post("/v1/campaigns/rescind-stca/actions", json=body)


def limited_client(settings: Settings, **limits: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=limits)))


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    prefix = f"letterdesk-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"{prefix}*"):
        connection.delete(key)
    connection.close()


def test_limits_read_as_count_per_period() -> None:
    assert Limit.parse("5/hour") == Limit(5, 3600)
    assert Limit.parse("20 / 10 minutes") == Limit(20, 600)
    assert Limit.parse("1/second") == Limit(1, 1)
    assert Limit.parse("100/Day") == Limit(100, 86_400)
    for wrong in ("", "5", "0/hour", "5/fortnight", "-1/hour", "5/0hours"):
        with pytest.raises(ValueError):
            Limit.parse(wrong)


def test_past_the_address_limit_actions_wait_for_confirmation_and_past_the_held_limit_429(
    settings: Settings, make_caller: MakeCaller
) -> None:
    with limited_client(
        settings,
        rate_limit_actions_per_address="3/hour",
        rate_limit_held_actions_per_address="1/hour",
    ) as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        for n in range(3):
            assert act(client, supporter(n)).status_code == 201
        held = act(client, supporter(3))
        assert held.status_code == 201 and held.json()["confirmation"] == "pending"
        refused = act(client, supporter(4))
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["type"] == "/problems/rate-limited"
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 3600
        assert refused.json()["retry_after"] == retry_after
        # Counted before the body is read: a flood of junk is refused as well.
        assert act(client, {}).status_code == 429
        stats = client.get("/v1/campaigns/rescind-stca/stats").json()
        assert stats["actions"] == 4


def test_too_many_actions_for_one_email_is_429_from_any_address(
    settings: Settings, make_caller: MakeCaller
) -> None:
    with limited_client(settings, rate_limit_actions_per_email="2/hour") as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        make_campaign(client, caller, slug="second", title={"en": "Second", "fr": "Deuxième"})
        assert act(client, supporter(1)).status_code == 201
        assert act(client, supporter(1)).status_code == 201  # a second try counts too
        shouted = supporter(1)
        shouted["supporter"]["email"] = "SUPPORTER1@example.org"
        refused = client.post("/v1/campaigns/second/actions", json=shouted)
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert act(client, supporter(2)).status_code == 201


@pytest.mark.parametrize(
    "written",
    [
        "Amelie.Tremblay+petition@gmail.com",
        "ameliet.remblay@googlemail.com",
        "AMELIETREMBLAY@gmail.com",
    ],
)
def test_one_mailbox_is_one_limit_however_its_address_is_written(
    settings: Settings, make_caller: MakeCaller, written: str
) -> None:
    with limited_client(settings, rate_limit_actions_per_email="1/hour") as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        first = action_body(supporter={"email": "amelietremblay@gmail.com"})
        assert act(client, first).status_code == 201
        refused = act(client, action_body(supporter={"email": written}))
        assert refused.status_code == 429, refused.text
        page = client.post("/c/rescind-stca", data=form(email=written))
        assert page.status_code == 429


def test_confirmation_links_are_limited_per_address(settings: Settings) -> None:
    with limited_client(settings, rate_limit_confirmations_per_address="2/minute") as client:
        link = "/v1/actions/act_01ARZ3NDEKTSV4RRFFQ69G5FAV/confirm?token=x"
        assert [client.get(link).status_code for _ in range(3)] == [404, 404, 429]


def test_limits_can_be_switched_off(settings: Settings, make_caller: MakeCaller) -> None:
    with limited_client(
        settings, rate_limits_enabled=False, rate_limit_actions_per_address="1/hour"
    ) as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        assert [act(client, supporter(n)).status_code for n in range(3)] == [201] * 3


def test_a_window_ends_and_the_next_begins_afresh() -> None:
    now = [7200.0]
    limiter = RateLimiter(MemoryCounter(), {"x": Limit(2, 60)}, lambda who: who, lambda: now[0])
    limiter.check("x", "a")
    limiter.check("x", "a")
    limiter.check("x", "b")
    now[0] += 45
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("x", "a")
    assert refused.value.headers == {"Retry-After": "15"}
    now[0] += 15
    limiter.check("x", "a")


def test_ipv6_clients_are_counted_by_their_slash_64() -> None:
    def request_from(host: str) -> Request:
        return Request({"type": "http", "client": (host, 4321), "headers": []})

    assert client_address(request_from("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64"
    assert client_address(request_from("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert client_address(request_from("203.0.113.7")) == "203.0.113.7"


def test_redis_shares_the_count_between_api_processes(
    settings: Settings, make_caller: MakeCaller, redis_prefix: str
) -> None:
    shared = {
        "redis_url": REDIS_URL,
        "redis_prefix": redis_prefix,
        "rate_limit_actions_per_address": "3/hour",
    }
    with limited_client(settings, **shared) as one, limited_client(settings, **shared) as two:
        caller = make_caller()
        make_directory(one, caller)
        make_campaign(one, caller)
        assert act(one, supporter(1)).status_code == 201
        assert act(two, supporter(2)).status_code == 201
        assert act(one, supporter(3)).status_code == 201
        past = act(two, supporter(4))  # the fourth of the address, counted by both
        assert past.status_code == 201 and past.json()["confirmation"] == "pending"
    connection = redis.Redis.from_url(REDIS_URL)
    keys = [key.decode() for key in connection.scan_iter(f"{redis_prefix}*")]
    connection.close()
    assert keys and all("supporter" not in key and "testclient" not in key for key in keys)


def test_an_unreachable_redis_lets_actions_through(
    settings: Settings, make_caller: MakeCaller, caplog: pytest.LogCaptureFixture
) -> None:
    with limited_client(
        settings, redis_url="redis://127.0.0.1:1/0", rate_limit_actions_per_address="1/hour"
    ) as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        assert [act(client, supporter(n)).status_code for n in range(2)] == [201, 201]
    assert "rate limit not checked" in caplog.text


def test_the_action_page_shares_the_limits_and_says_so_beside_the_form(
    settings: Settings, make_caller: MakeCaller
) -> None:
    with limited_client(
        settings,
        rate_limit_actions_per_address="2/hour",
        rate_limit_held_actions_per_address="1/hour",
        rate_limit_page_calls_per_address="1/hour",
    ) as client:
        caller = make_caller()
        make_directory(client, caller)
        make_campaign(client, caller)
        assert act(client, supporter(1)).status_code == 201
        assert client.post("/c/rescind-stca", data=form(email="two@example.org")).status_code == 200
        held = client.post("/c/rescind-stca", data=form(email="three@example.org"))
        assert held.status_code == 200, held.text  # the thank-you, after its redirect
        assert "we ask you to confirm yours" in held.text and "three@example.org" in held.text
        page = client.post("/c/rescind-stca", data=form(email="four@example.org", intro="Kept."))
        assert page.status_code == 429 and int(page.headers["Retry-After"]) >= 1
        assert page.headers["content-type"].startswith("text/html")
        assert "Too many letters have been sent from here" in page.text
        assert "Kept." in page.text and 'value="t5a 1b7"' in page.text
        assert "Ziad Aboultaif" not in page.text  # no lookup for a client over its limit
        targets = "/c/rescind-stca/targets?postal_code=T5A1B7"
        assert client.get(targets).status_code == 200
        assert client.get(targets).status_code == 429


def test_ipv4_clients_seen_through_a_dual_stack_socket_keep_their_own_count() -> None:
    def request_from(host: str) -> Request:
        return Request({"type": "http", "client": (host, 4321), "headers": []})

    assert client_address(request_from("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_address(request_from("::ffff:198.51.100.9")) == "198.51.100.9"


def test_a_redis_window_expires_with_its_window(redis_prefix: str) -> None:
    counter = RedisCounter(REDIS_URL, redis_prefix)
    try:
        assert [counter.hit("k", 60, 120.0) for _ in range(3)] == [1, 2, 3]
        (name,) = counter.client.scan_iter(f"{redis_prefix}*")
        assert 0 < counter.client.ttl(name) <= 61
    finally:
        counter.close()
