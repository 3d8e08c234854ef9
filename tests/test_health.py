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
