import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.main import create_app
from app.settings import Settings


def test_healthz_answers_ok(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_is_ready_at_the_newest_migration(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["migration"]["current"] == body["migration"]["head"] is not None


def test_readyz_is_unavailable_behind_the_newest_migration(client: TestClient) -> None:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["migration"]["current"] == "older"


def test_readyz_is_unavailable_without_a_database(tmp_path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/missing/dir/x.db", _env_file=None)
    with TestClient(create_app(settings)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_postgresql_needs_a_shared_secret_to_start() -> None:
    settings = Settings(database_url="postgresql://postgres@127.0.0.1:5432/x", _env_file=None)
    with pytest.raises(RuntimeError, match="LETTERDESK_SECRET_KEY"):
        create_app(settings)


def test_the_openapi_document_describes_every_route(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths = set(document["paths"])
    for path in (
        "/v1/recipients",
        "/v1/recipients/import",
        "/v1/districts/lookup",
        "/v1/campaigns",
        "/v1/campaigns/{slug}/actions",
        "/v1/campaigns/{campaign_id}/preview",
        "/v1/letters/{letter_id}/pdf",
        "/v1/print-batches/{batch_id}/manifest.csv",
        "/v1/actions/{action_id}/confirm",
    ):
        assert path in paths
    import_body = document["paths"]["/v1/recipients/import"]["post"]["requestBody"]
    assert "text/csv" in import_body["content"]


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_database_that_is_down_answers_503_with_retry_after_and_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Not a bare 500 and a traceback: the client is told to come back, the log says
    what failed in one line."""
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/letterdesk"
    settings = Settings(database_url=url, secret_key="test-secret", _env_file=None)
    with (
        TestClient(create_app(settings), raise_server_exceptions=False) as client,
        caplog.at_level("INFO"),
    ):
        response = client.get("/v1/campaigns/anything/stats")
        listed = client.get("/v1/campaigns", headers={"Authorization": "Bearer ld_x"})
    for answer in (response, listed):
        assert answer.status_code == 503, answer.text
        assert answer.json()["type"] == "/problems/upstream-unavailable"
        assert answer.headers["Retry-After"].isdigit()
    failures = [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]
    assert len(failures) == 2, [r.getMessage() for r in failures]
    assert all(r.exc_info is None for r in failures)
