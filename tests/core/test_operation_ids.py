"""Every operation has a readable, unique `operationId`: generated clients name their
methods after it (`take_action`, not `take_action_v1_campaigns__slug__actions_post`)."""

import re

from app.main import create_app
from app.settings import Settings

CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z0-9]*)*$")


def operation_ids() -> dict[tuple[str, str], str]:
    document = create_app(
        Settings(database_url="sqlite://", secret_key="x", _env_file=None)
    ).openapi()
    return {
        (method.upper(), path): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }


def test_every_operation_id_is_a_short_camel_case_name_used_once() -> None:
    ids = operation_ids()
    unreadable = {where: name for where, name in ids.items() if not CAMEL_CASE.match(name)}
    assert unreadable == {}
    assert len(set(ids.values())) == len(ids)
    assert all(len(name) <= 40 for name in ids.values())


def test_the_operations_partners_call_most_have_the_names_the_readme_gives() -> None:
    ids = operation_ids()
    assert ids["POST", "/v1/campaigns/{slug}/actions"] == "takeAction"
    assert ids["GET", "/v1/letters"] == "listLetters"
    assert ids["GET", "/v1/actions"] == "listActions"
    assert ids["POST", "/v1/recipients/import"] == "importRecipients"
