"""Pacing per destination domain, offices' hours and each supporter's order: the email
lane's own code claims and sends through a real SMTP server on loopback, on a clock
the test sets (the lane's `clock`), and the tests count what the database recorded."""

import threading
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import wait
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from app.db import utcnow
from app.delivery.email import email_backend
from app.delivery.models import Delivery
from app.delivery.pacing import Pace, lock_domains
from app.delivery.sending import EmailLane, claim_due_deliveries
from app.letters.models import Letter
from app.settings import Settings
from app.tokens import letters_page_link
from tests.campaign_data import action_body, make_campaign, make_directory
from tests.conftest import Caller
from tests.delivery_data import queue_supporters_letters
from tests.smtp_sink import SinkHandler


class Clock:
    """The lane's "now": moved by the test, never by waiting."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def mail_settings(settings: Settings, sink: tuple[SinkHandler, int], tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "email_backend": "smtp",
            "smtp_port": sink[1],
            "smtp_connections": 4,
            "worker_batch_size": 32,
            "pace_per_minute": 100,
            "pace_per_domain": "ola.org=10",
            "outbox_dir": tmp_path / "outbox",
        }
    )


def run_lanes(lanes: list[EmailLane], clock: Clock, until: Any, steps: int) -> int:
    """Dispatch every lane, let each send finish and be recorded, then move the clock:
    a second after a claim, ten when nothing was claimed. Answers the steps taken."""
    for step in range(steps):
        started = sum(lane.dispatch() for lane in lanes)
        for lane in lanes:
            wait(lane.in_flight)
            lane.record_done(every=True)
        if until():
            return step
        clock.advance(1 if started else 10)
    raise AssertionError(f"not done in {steps} steps")


def most_in_a_minute(times: list[datetime]) -> int:
    """The most of `times` in any 60 seconds (a window open at its start)."""
    times, most, first = sorted(times), 0, 0
    for last, at in enumerate(times):
        while times[first] <= at - timedelta(seconds=60):
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.fixture
def lanes(
    client: TestClient, mail_settings: Settings, database_url: str
) -> Iterator[tuple[list[EmailLane], Clock, sessionmaker[Session]]]:
    """Two workers sharing the pace on PostgreSQL; one on SQLite (as it runs)."""
    names = ["worker-1", "worker-2"] if database_url.startswith("postgresql") else ["worker-1"]
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    clock = Clock(utcnow() + timedelta(hours=1))
    made = [
        EmailLane(
            sessions, email_backend(mail_settings), mail_settings, name, threading.Event(), clock
        )
        for name in names
    ]
    yield made, clock, sessions
    for lane in made:
        lane.close()


MP = {"display_name": "Député", "district": {"province": "QC"}}


def test_a_burst_of_2000_letters_to_one_domain_keeps_its_pace_loses_none_and_keeps_order(
    client: TestClient,
    caller: Caller,
    sink: tuple[SinkHandler, int],
    lanes: tuple[list[EmailLane], Clock, sessionmaker[Session]],
) -> None:
    handler, _ = sink
    workers, clock, sessions = lanes
    campaign = make_campaign(client, caller, targets=[{"type": "own_mp"}])
    to_parliament = [MP | {"email": f"mp{n}@parl.gc.ca"} for n in range(4)]
    to_ontario = [MP | {"email": "mpp@ola.org", "district": {"province": "ON"}}]
    with sessions() as session:
        # 500 supporters' 4 letters each to parl.gc.ca (paced at 100 a minute, the default
        # here), and 30 letters to ola.org (its own pace, 10 a minute) behind them.
        queue_supporters_letters(
            session, caller.organisation_id, campaign["id"], 500, to_parliament
        )
        queue_supporters_letters(
            session, caller.organisation_id, campaign["id"], 30, to_ontario, "o"
        )
    total = 2030
    run_lanes(workers, clock, lambda: len(handler.received) >= total, steps=5000)

    ids = handler.message_ids()
    assert len(ids) == total and len(set(ids)) == total  # none lost, none sent twice
    with sessions() as session:
        rows = session.execute(
            select(Letter.id, Letter.action_id, Letter.subject, Letter.status, Letter.sent_at)
            .add_columns(Delivery.domain, Delivery.attempts)
            .join(Delivery, Delivery.letter_id == Letter.id)
        ).all()
    assert {row.status for row in rows} == {"sent"}
    assert {row.attempts for row in rows} == {1}  # waiting for the pace spent no attempt
    sent_at: dict[str, list[datetime]] = defaultdict(list)
    for row in rows:
        sent_at[row.domain].append(row.sent_at)
    # The pace held in every minute, and bound: the burst took the minutes it needed.
    assert most_in_a_minute(sent_at["parl.gc.ca"]) == 100
    assert most_in_a_minute(sent_at["ola.org"]) == 10
    parliament = sorted(sent_at["parl.gc.ca"])
    assert parliament[-1] - parliament[0] >= timedelta(minutes=19)
    # Each supporter's letters arrived one after another, in the order they were written.
    arrived = {item.message["Subject"]: place for place, item in enumerate(handler.received)}
    by_supporter: dict[str, list[Any]] = defaultdict(list)
    for row in sorted(rows, key=lambda row: row.id):
        by_supporter[row.action_id].append(row)
    for letters in by_supporter.values():
        places = [arrived[row.subject] for row in letters]
        assert places == sorted(places)
        assert [row.sent_at for row in letters] == sorted(row.sent_at for row in letters)


# Friday 4 December 2026, 17:30 in Halifax (AST, UTC-4): 13:30 in Vancouver (PST, UTC-8).
FRIDAY_AFTER_HOURS_IN_HALIFAX = datetime(2026, 12, 4, 21, 30, tzinfo=UTC)
MONDAY_OPENING_IN_HALIFAX = datetime(2026, 12, 7, 13, 0, tzinfo=UTC)


def test_offices_are_written_to_only_in_their_hours_where_the_organisation_asks(
    client: TestClient,
    caller: Caller,
    sink: tuple[SinkHandler, int],
    lanes: tuple[list[EmailLane], Clock, sessionmaker[Session]],
) -> None:
    handler, _ = sink
    workers, clock, sessions = lanes
    changed = client.patch("/v1/organisation", json={"office_hours": {}}, headers=caller.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["office_hours"] == {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "opens": "09:00",
        "closes": "17:00",
    }
    campaign = make_campaign(client, caller, targets=[{"type": "own_mp"}])
    halifax = {"display_name": "MLA", "email": "mla@nslegislature.ca",
               "district": {"province": "NS"}}  # fmt: skip
    vancouver = {"display_name": "MLA", "email": "mla@leg.bc.ca", "district": {"province": "BC"}}
    with sessions() as session:
        queue_supporters_letters(session, caller.organisation_id, campaign["id"], 1, [halifax])
        queue_supporters_letters(
            session, caller.organisation_id, campaign["id"], 1, [vancouver], "v"
        )
    clock.now = FRIDAY_AFTER_HOURS_IN_HALIFAX
    for _ in range(3):
        run_lanes(workers, clock, lambda: True, steps=1)
    assert [item.recipients for item in handler.received] == [["mla@leg.bc.ca"]]
    with sessions() as session:
        waiting = session.execute(
            select(Letter.status, Delivery.attempts)
            .join(Delivery, Delivery.letter_id == Letter.id)
            .where(Delivery.domain == "nslegislature.ca")
        ).one()
    assert tuple(waiting) == ("queued", 0)  # it waits, untried

    clock.now = MONDAY_OPENING_IN_HALIFAX
    run_lanes(workers, clock, lambda: len(handler.received) == 2, steps=3)
    assert handler.received[1].recipients == ["mla@nslegislature.ca"]


def test_office_hours_that_do_not_read_are_refused_naming_the_field(
    client: TestClient, caller: Caller
) -> None:
    hours: dict[str, Any]
    for hours in ({"opens": "17:00", "closes": "09:00"}, {"days": []}, {"opens": "9h"}):
        answer = client.patch(
            "/v1/organisation", json={"office_hours": hours}, headers=caller.headers
        )
        assert answer.status_code == 422, answer.text
        assert "office_hours" in answer.text
    off = client.patch("/v1/organisation", json={"office_hours": None}, headers=caller.headers)
    assert off.status_code == 200 and off.json()["office_hours"] is None


def test_the_letters_page_says_a_letter_waits_for_the_offices_hours(
    client: TestClient, caller: Caller, settings: Settings
) -> None:
    """Offices open every day but today (in Toronto, the directory's offices' zone): the
    supporter's page says their letter waits for the office, and when it opens."""
    today = utcnow().astimezone(ZoneInfo("America/Toronto")).strftime("%a").lower()
    days = [day for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") if day != today]
    hours = {"office_hours": {"days": days}}
    assert client.patch("/v1/organisation", json=hours, headers=caller.headers).status_code == 200
    make_directory(client, caller)
    make_campaign(client, caller)
    taken = client.post("/v1/campaigns/rescind-stca/actions", json=action_body())
    assert taken.status_code == 201, taken.text
    page = client.get(letters_page_link(settings, taken.json()["id"]))
    assert page.status_code == 200
    assert "Waiting for the office&#39;s hours: it leaves when the office opens" in page.text
    assert "09:00 office time" in page.text


def test_two_workers_claiming_at_once_never_both_take_a_minutes_last_places(
    client: TestClient, caller: Caller, database_url: str
) -> None:
    """On PostgreSQL: while one worker's claim holds a domain (it took the minute's ten
    places and has not committed), another's claim waits for it, then counts its ten
    and takes none, rather than counting none and taking ten more."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one worker")
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    campaign = make_campaign(client, caller, targets=[{"type": "own_mp"}])
    with sessions() as session:
        queue_supporters_letters(
            session, caller.organisation_id, campaign["id"], 30, [MP | {"email": "mp@parl.gc.ca"}]
        )
    pace, now = Pace(10, {}), utcnow()
    first = sessions()  # a claim under way: it holds the domain and took ten places
    lock_domains(first, ["parl.gc.ca"])
    places = select(Delivery.id).where(Delivery.domain == "parl.gc.ca").limit(10)
    first.execute(
        update(Delivery).where(Delivery.id.in_(places.scalar_subquery())).values(paced_at=now)
    )
    taken_second: list[str] = []
    second = threading.Thread(
        target=lambda: taken_second.extend(
            claim_due_deliveries(sessions(), "second", 10, 30.0, now=now, pace=pace)
        )
    )
    second.start()
    with sessions() as watching:  # the second claim waits for the domain's lock
        waiting = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        for _ in range(600):
            if watching.scalar(waiting):
                break
            watching.rollback()
            threading.Event().wait(0.05)
        else:
            raise AssertionError("the second claim did not wait for the first")
    first.commit()
    first.close()
    second.join(30)
    assert taken_second == []
