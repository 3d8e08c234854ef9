"""The Alembic migrations build exactly the schema the models describe, on PostgreSQL."""

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from app.db import Base, make_engine
from app.migrations import alembic_config, upgrade
from tests.conftest import ThrowawayPostgres


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
