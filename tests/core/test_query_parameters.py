"""An unknown query parameter is refused (422 naming it), not silently ignored: a filter
misspelt would otherwise answer everything, and a sync would take it for the filter."""

from fastapi.testclient import TestClient

from tests.conftest import Caller


def test_an_unknown_filter_is_422_naming_it(client: TestClient, caller: Caller) -> None:
    for path in ("/v1/letters", "/v1/actions", "/v1/campaigns", "/v1/webhooks", "/v1/api-keys"):
        response = client.get(path, params={"campaing_id": "x"}, headers=caller.headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["errors"] == [
            {
                "field": "campaing_id",
                "in": "query",
                "message": "is not a parameter of this operation",
            }
        ]
    known = client.get("/v1/letters", params={"limit": 5}, headers=caller.headers)
    assert known.status_code == 200


def test_the_public_pages_take_any_query(client: TestClient) -> None:
    # Shared links carry utm_source and the like: the action page is not an API.
    assert client.get("/healthz", params={"utm_source": "x"}).status_code == 200
