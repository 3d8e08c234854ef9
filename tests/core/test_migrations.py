"""The Alembic migrations build exactly the schema the models describe, on PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from app.campaigns.models import Campaign
from app.db import Base, make_engine, make_sessionmaker, utcnow
from app.demo.service import load_demo
from app.letters.models import Letter
from app.migrations import alembic_config, upgrade
from app.settings import Settings
from tests.conftest import ThrowawayPostgres
from tests.delivery_data import queue_supporters_letters


@pytest.fixture
def empty_postgres(postgres: ThrowawayPostgres) -> Iterator[str]:
    url = postgres.create("letterdesk_migrations")
    yield url
    postgres.drop(url)


def test_migrations_on_an_empty_postgres_match_the_models(empty_postgres: str) -> None:
    upgrade(empty_postgres)
    engine = make_engine(empty_postgres)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_go_down_to_nothing_and_up_again(empty_postgres: str) -> None:
    upgrade(empty_postgres)
    command.downgrade(alembic_config(empty_postgres), "base")
    engine = make_engine(empty_postgres)
    assert inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()
    upgrade(empty_postgres)


def test_an_old_salutation_override_is_kept_for_its_recipients_language(
    empty_postgres: str,
) -> None:
    """Migration 0014: an override written for both languages stays the English one,
    except for a recipient written to in French, whose French letters keep it."""
    command.upgrade(alembic_config(empty_postgres), "0013")
    engine = make_engine(empty_postgres)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO organisations (id, name, created_at) VALUES ('org_1', 'O', now())")
        )
        for rid, language, override in (
            ("rcp_fr", "fr", "Chère Mélanie,"),
            ("rcp_en", "en", "Dear Jagmeet,"),
            ("rcp_none", None, "Dear Elizabeth,"),
        ):
            connection.execute(
                text(
                    "INSERT INTO recipients (id, organisation_id, display_name, language,"
                    " search_key, addresses, salutation_override, created_at, updated_at)"
                    " VALUES (:id, 'org_1', 'X', :language, 'x', '[]', :override, now(), now())"
                ),
                {"id": rid, "language": language, "override": override},
            )
    upgrade(empty_postgres)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, salutation_override, salutation_override_fr FROM recipients")
        )
        kept = {row.id: (row.salutation_override, row.salutation_override_fr) for row in rows}
    engine.dispose()
    assert kept == {
        "rcp_fr": (None, "Chère Mélanie,"),
        "rcp_en": ("Dear Jagmeet,", None),
        "rcp_none": ("Dear Elizabeth,", None),
    }


def test_keys_sharing_a_name_are_told_apart_by_a_number(empty_postgres: str) -> None:
    """Migration 0036: names become unique per organisation; the first key made keeps
    its name, the next are numbered, past a name another key already has."""
    command.upgrade(alembic_config(empty_postgres), "0035")
    engine = make_engine(empty_postgres)
    with engine.begin() as connection:
        for organisation in ("org_1", "org_2"):
            connection.execute(
                text("INSERT INTO organisations (id, name, created_at) VALUES (:id, :id, now())"),
                {"id": organisation},
            )
        for number, (organisation, name) in enumerate(
            [("org_1", "crm"), ("org_1", "crm"), ("org_1", "crm (2)"), ("org_1", "crm"),
             ("org_2", "crm"), ("org_1", "web")]
        ):  # fmt: skip
            connection.execute(
                text(
                    "INSERT INTO api_keys (id, organisation_id, name, prefix, digest, scopes,"
                    " created_at) VALUES (:id, :org, :name, 'ld_', :id, '[]',"
                    " now() + make_interval(secs => :n))"
                ),
                {"id": f"key_{number}", "org": organisation, "name": name, "n": number},
            )
    upgrade(empty_postgres)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name FROM api_keys ORDER BY id"))
        names = {row.id: row.name for row in rows}
    engine.dispose()
    assert names == {
        "key_0": "crm", "key_1": "crm (3)", "key_2": "crm (2)", "key_3": "crm (4)",
        "key_4": "crm", "key_5": "web",
    }  # fmt: skip


def test_going_down_from_0043_makes_each_letters_html_again(
    empty_postgres: str, tmp_path: Path
) -> None:
    """Migration 0043 drops the stored HTML (made when read); going down makes it again
    from each letter's text, language and subject, and "" for an erased letter."""
    upgrade(empty_postgres)
    engine = make_engine(empty_postgres)
    with make_sessionmaker(engine)() as session:
        load_demo(session, Settings(database_url=empty_postgres, demo_key_file=tmp_path / "k"))
        campaign = session.scalars(select(Campaign)).first()
        assert campaign is not None
        recipient = {"display_name": "Marc Miller", "email": "marc.miller@parl.gc.ca"}
        queue_supporters_letters(session, campaign.organisation_id, campaign.id, 3, [recipient])
        marked, erased, plain = session.scalars(select(Letter).order_by(Letter.id)).all()
        marked.body_text = "Bonjour,\n\n<script>alert(1)</script> & « merci »\nfin\n"
        erased.body_text, erased.scrubbed_at = "", utcnow()
        session.commit()
        made = {letter.id: letter.body_html for letter in (marked, plain)} | {erased.id: ""}
    command.downgrade(alembic_config(empty_postgres), "0042")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, body_html FROM letters"))
        stored = {row.id: row.body_html for row in rows}
        nullable = inspect(connection).get_columns("letters")
    engine.dispose()
    assert stored == made
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; « merci »<br>\nfin" in stored[marked.id]
    assert not next(column for column in nullable if column["name"] == "body_html")["nullable"]
    upgrade(empty_postgres)
