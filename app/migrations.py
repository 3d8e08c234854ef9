"""Alembic, driven from code: `letterdesk db upgrade`, readiness checks and tests."""

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


@lru_cache
def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The database's revision, read from Alembic's table directly: a MigrationContext
    logs two INFO lines each time, and readiness probes ask every half second."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = list(connection.scalars(text("SELECT version_num FROM alembic_version")))
    return versions[0] if len(versions) == 1 else None
