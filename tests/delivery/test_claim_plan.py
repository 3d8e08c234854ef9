"""A claim reads its batch, not the queue: on PostgreSQL, with 2,000 letters due, the
statement that picks a claim's deliveries walks them in its order and stops (it used to
read and sort every due delivery: 0.1 s a claim with 20,000 queued, growing with the
queue). Read from the plan PostgreSQL ran, rows not seconds."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlalchemy.orm import Session, sessionmaker

from app.delivery.pacing import Pace
from app.delivery.sending import claim_due_deliveries
from bench.queued_letters import queue_letters
from tests.campaign_data import make_campaign
from tests.conftest import Caller

QUEUED = 2_000
BATCH = 32


def deliveries_read(plan: dict[str, Any]) -> int:
    """The rows the plan read from the claimed table (alias `deliveries`), over its loops."""
    read = 0
    if plan.get("Alias") == "deliveries":
        read += int(plan["Actual Rows"]) * int(plan["Actual Loops"])
    for child in plan.get("Plans", []):
        read += deliveries_read(child)
    return read


def test_a_claim_reads_its_batch_not_the_queue(
    client: TestClient, caller: Caller, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the plan is PostgreSQL's (SQLite runs one worker, on a small queue)")
    sessions: sessionmaker[Session] = client.app.state.sessionmaker  # type: ignore[attr-defined]
    campaign = make_campaign(client, caller, targets=[{"type": "own_mp"}])
    with sessions() as session:
        queue_letters(session, caller.organisation_id, campaign["id"], QUEUED)
        session.execute(text("ANALYZE"))  # as autovacuum does once a table has changed
        session.commit()
    engine = sessions.kw["bind"]
    picks: list[tuple[str, Any]] = []

    def keep_the_pick(connection: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "FOR UPDATE" in statement and "FROM deliveries" in statement:
            picks.append((statement, params))

    event.listen(engine, "before_cursor_execute", keep_the_pick)
    try:
        with sessions() as session:
            claimed = claim_due_deliveries(session, "w1", BATCH, 30, pace=Pace(60, {}))
    finally:
        event.remove(engine, "before_cursor_execute", keep_the_pick)
    assert len(claimed) == BATCH and picks
    statement, params = picks[0]
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", params)
        (plan,) = cursor.fetchone()
        connection.rollback()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    assert deliveries_read(plan[0]["Plan"]) <= 2 * BATCH
