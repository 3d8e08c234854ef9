"""Fresh, migrated, throwaway databases: each run starts from an empty schema, and nothing
is left behind, even when a run fails."""

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from app.migrations import upgrade

POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"
KINDS = ("sqlite", "postgresql")


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """The URL of a new database of `kind`, migrated to head."""
    if kind == "sqlite":
        with _sqlite_database() as url:
            upgrade(url)
            yield url
    elif kind == "postgresql":
        with _postgres_database() as url:
            upgrade(url)
            yield url
    else:
        raise ValueError(f"no database kind {kind!r}; choose from {KINDS}")


@contextmanager
def _sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="letterdesk_bench_") as directory:
        yield f"sqlite:///{Path(directory).resolve() / 'bench.db'}"


@contextmanager
def _postgres_database() -> Iterator[str]:
    name = f"letterdesk_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        # FORCE: a server or pool that failed to close must not keep the database alive.
        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
