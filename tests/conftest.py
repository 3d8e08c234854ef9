"""Real databases for every test of the database layer: a fresh SQLite file per test,
and one throwaway PostgreSQL database per run (emptied between tests, dropped at the end)."""

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.scopes import Scope
from app.db import Base, make_engine
from app.main import create_app
from app.migrations import upgrade
from app.settings import Settings
from tests.smtp_sink import SinkHandler, smtp_sink

POSTGRES_ADMIN_URL = os.environ.get(
    "LETTERDESK_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass
class ThrowawayPostgres:
    admin_url: str

    def create(self, prefix: str = "letterdesk_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres() -> ThrowawayPostgres:
    return ThrowawayPostgres(POSTGRES_ADMIN_URL)


@pytest.fixture(scope="session")
def postgres_url(postgres: ThrowawayPostgres) -> Iterator[str]:
    url = postgres.create()
    try:
        upgrade(url)
        yield url
    finally:
        postgres.drop(url)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def empty_all_tables(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "letterdesk.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    engine = make_engine(url)
    empty_all_tables(engine)
    engine.dispose()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        demo_key_file=tmp_path / "demo-api-key",
        secret_key="test-secret",
        outbox_dir=tmp_path / "outbox",
        # Tests never reach beyond loopback: a sync no test points at its own recorded
        # feed is refused at once (nothing listens on port 9).
        sync_represent_url="http://127.0.0.1:9",
        sync_house_of_commons_members_url="http://127.0.0.1:9/members.xml",
        sync_house_of_commons_ministry_url_en="http://127.0.0.1:9/ministry-en.xml",
        sync_house_of_commons_ministry_url_fr="http://127.0.0.1:9/ministry-fr.xml",
        # Unpaced: tests send bursts to one domain; the pacing tests set their own pace.
        pace_per_minute=0,
        _env_file=None,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def session(client: TestClient) -> Iterator[Session]:
    with client.app.state.sessionmaker() as db_session:  # type: ignore[attr-defined]
        yield db_session


@dataclass
class Caller:
    """An organisation and a key of it, as a test calls the API."""

    organisation_id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


MakeCaller = Callable[..., Caller]


@pytest.fixture
def make_caller(client: TestClient) -> MakeCaller:
    return make_caller_for(client)


def make_caller_for(client: TestClient) -> MakeCaller:
    """A new organisation with a key of the given scopes; or, given `organisation_id`,
    one more key of that organisation."""

    def make(scopes: list[Scope] | None = None, organisation_id: str | None = None) -> Caller:
        with client.app.state.sessionmaker() as db_session:  # type: ignore[attr-defined]
            if organisation_id is None:
                name = f"Org {uuid.uuid4().hex[:8]}"
                organisation_id = auth_service.create_organisation(db_session, name).id
            name = auth_service.unused_key_name(db_session, organisation_id, "test")
            _, key = auth_service.issue_key(
                db_session, organisation_id, name, scopes or [Scope.ADMIN]
            )
            db_session.commit()
        return Caller(organisation_id, key)

    return make


@pytest.fixture
def caller(make_caller: MakeCaller) -> Caller:
    return make_caller()


@pytest.fixture
def sink() -> Iterator[tuple[SinkHandler, int]]:
    """A real SMTP server on loopback, and its handler (what it received, what to answer)."""
    with smtp_sink() as running:
        yield running
