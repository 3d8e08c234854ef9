"""An action reads its campaign and the directory from the API process's memory, one row
telling it whether what it holds is current: a second action reads none of the
campaign's, the directory's or the postal table's rows, and writes each table it writes
in one statement; and whatever changes the campaign or the directory (the API, or a
statement from anywhere) is seen by the very next action."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from app.letters.models import Letter
from bench.emails import statement_kind
from tests.campaign_data import RECIPIENTS, action_body, make_campaign, make_directory
from tests.conftest import Caller

ACTIONS = "/v1/campaigns/rescind-stca/actions"
DIRECTORY_TABLES = ("recipients", "recipient_roles", "postal_code_districts")


@contextmanager
def statements(client: TestClient) -> Iterator[Counter[str]]:
    """The kinds of statement ("SELECT campaigns", "INSERT letters"...) the API runs."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    seen: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen[statement_kind(statement.replace('"', ""))] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def act(client: TestClient, email: str, **changes: Any) -> dict[str, Any]:
    answer = client.post(ACTIONS, json=action_body(supporter={"email": email}, **changes))
    assert answer.status_code == 201, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_a_second_action_reads_no_campaign_or_directory_rows(
    client: TestClient, caller: Caller
) -> None:
    make_directory(client, caller)
    make_campaign(client, caller)
    act(client, "first@example.org")
    with statements(client) as seen:
        second = act(client, "second@example.org")
    assert [letter["recipient"]["display_name"] for letter in second["letters"]] == [
        "Marc Miller",
        "Ziad Aboultaif",
    ]
    read = [kind for kind in seen if kind.startswith("SELECT")]
    for table in DIRECTORY_TABLES:
        assert not any(kind.split()[1] == table for kind in read), seen
    # The one campaign row read is its updated_at and directory version, joined.
    assert [kind for kind in read if kind.split()[1] == "campaigns"] == ["SELECT campaigns (join)"]
    assert seen["SELECT campaigns (join)"] == 1
    written = {kind: number for kind, number in seen.items() if kind.split()[0] != "SELECT"}
    assert all(number == 1 for number in written.values()), seen
    assert "UPDATE campaigns" not in written  # the counters have a row of their own
    assert written["UPDATE campaign_counters"] == 1


def test_the_next_action_sees_a_change_to_the_directory_made_anywhere(
    client: TestClient, caller: Caller, session: Session
) -> None:
    ids = make_directory(client, caller)
    make_campaign(client, caller)
    act(client, "first@example.org")
    # The minister's email changes by a statement from outside the API.
    session.execute(
        text("UPDATE recipients SET email = 'marc.miller@example.gc.ca' WHERE id = :id"),
        {"id": ids["miller"]},
    )
    session.commit()
    act(client, "second@example.org")
    emails = session.scalars(
        select(Letter.recipient["email"].as_string())
        .where(Letter.recipient_id == ids["miller"])
        .order_by(Letter.created_at, Letter.id)
    ).all()
    assert emails == ["marc.miller@parl.gc.ca", "marc.miller@example.gc.ca"]
    # The role changes hands through the API; the postal table loses the district.
    miller_role = RECIPIENTS["miller"]["roles"][0] | {"end_date": "2024-01-01"}
    changed = client.patch(
        f"/v1/recipients/{ids['miller']}", json={"roles": [miller_role]}, headers=caller.headers
    )
    assert changed.status_code == 200, changed.text
    third = act(client, "third@example.org")
    assert [letter["recipient"]["display_name"] for letter in third["letters"]] == [
        "Ziad Aboultaif"
    ]
    session.execute(text("DELETE FROM postal_code_districts WHERE prefix = 'T5A'"))
    session.commit()
    answer = client.post(ACTIONS, json=action_body(supporter={"email": "fourth@example.org"}))
    assert answer.status_code == 422, answer.text


def test_the_next_action_sees_a_change_to_the_campaign(
    client: TestClient, caller: Caller, session: Session
) -> None:
    make_directory(client, caller)
    campaign = make_campaign(client, caller)
    first = act(client, "first@example.org")
    assert first["letters"][0]["subject"] == "Rescind the Safe Third Country Agreement"
    changed = client.patch(
        f"/v1/campaigns/{campaign['id']}",
        json={"subject": {"en": "End the STCA", "fr": "Annuler l'ETPS"}},
        headers=caller.headers,
    )
    assert changed.status_code == 200, changed.text
    assert act(client, "second@example.org")["letters"][0]["subject"] == "End the STCA"
    closed = client.patch(
        f"/v1/campaigns/{campaign['id']}", json={"status": "closed"}, headers=caller.headers
    )
    assert closed.status_code == 200, closed.text
    answer = client.post(ACTIONS, json=action_body(supporter={"email": "third@example.org"}))
    assert answer.status_code == 409, answer.text
    stats = client.get("/v1/campaigns/rescind-stca/stats").json()
    assert (stats["actions"], stats["letters"]) == (2, 4)
