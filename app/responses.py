"""The problem+json answers as the OpenAPI document declares them.

Routers compose the answers that depend on what they do (`not_found`, `conflict`,
`gone`, `UPSTREAM`, `RATE_LIMITED`); `complete_problems` adds to every operation of the document the
answers that follow from how it is called (a key and its scope, parameters, a body), so
a new route cannot forget them."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.errors import (
    PROBLEM_MEDIA_TYPE,
    CampaignClosed,
    ConcurrentChange,
    Conflict,
    problem_type,
)
from app.idempotency.middleware import IDEMPOTENT_PATHS

Responses = dict[int | str, dict[str, Any]]


class InvalidField(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    field: str = Field(description="The field, as a dotted path; a column name in an import.")
    in_: str | None = Field(
        None, alias="in", description="Where the field is: body, query, path or header."
    )
    message: str
    code: str | None = Field(None, description="Pydantic's error type, where it found it.")
    row: int | None = Field(None, description="In an import: the record's number, 1 the first.")


# Every conflict a client may meet, each its own type (app.errors).
_CONFLICTS: list[type[Conflict]] = [Conflict, *Conflict.__subclasses__()]
_CONFLICT_TYPES = ", ".join(f"{problem_type(kind.slug)} (409)" for kind in _CONFLICTS)


class Problem(BaseModel):
    """RFC 9457 problem details. Some problems carry more members (`required_scope`,
    `max_bytes`, `candidates`...), named in their description."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        examples=["/problems/not-found"],
        description="One of: /problems/malformed-json (400), /problems/unauthenticated (401), "
        "/problems/forbidden (403), /problems/not-found (404), /problems/method-not-allowed "
        f"(405), {_CONFLICT_TYPES}, /problems/idempotency-key-in-use (409), "
        "/problems/gone (410), /problems/payload-too-large (413), "
        "/problems/validation-error (422), /problems/idempotency-key-reused (422), "
        "/problems/rate-limited (429), /problems/internal-error (500), "
        "/problems/upstream-unavailable (503).",
    )
    title: str
    status: int
    detail: str | None = None
    instance: str | None = Field(None, description="The path that was asked for.")
    errors: list[InvalidField] | None = Field(None, description="For invalid input: each field.")
    # The members some problems carry, declared so that generated clients keep them.
    action_id: str | None = Field(None, description="duplicate-action: the first action.")
    candidates: list[str] | None = Field(
        None, description="validation-error on `district`: the districts to choose from."
    )
    retry_after: int | None = Field(
        None, description="rate-limited, idempotency-key-in-use: seconds to wait."
    )
    required_scope: str | None = Field(None, description="forbidden: the scope needed.")
    max_bytes: int | None = Field(None, description="payload-too-large: the bound.")
    letter_status: str | None = Field(
        None, description="letter-not-cancellable: where the letter stands."
    )
    batch_status: str | None = Field(None, description="conflict on a print batch: its state.")
    campaign: str | None = Field(None, description="campaign-closed: the campaign's slug.")
    campaign_id: str | None = Field(None, description="campaign-closed: the campaign's id.")
    known_columns: list[str] | None = Field(
        None, description="validation-error of an import: the columns it reads."
    )
    report: dict[str, Any] | None = Field(
        None, description="sync-stopped: the sync's report, the diff it would have applied."
    )


def problem(
    status: int,
    slug: str,
    title: str,
    description: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **members: Any,
) -> Responses:
    """One `responses` entry: a problem+json answer with its schema and an example, and
    the headers (name: description) it always carries."""
    example = {"type": problem_type(slug), "title": title, "status": status, "detail": detail}
    example |= {"instance": "/v1/..."} | members
    response: dict[str, Any] = {
        "description": description,
        "content": {
            PROBLEM_MEDIA_TYPE: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": example,
            }
        },
    }
    if headers:
        response["headers"] = {
            name: {"description": about, "required": True, "schema": {"type": "string"}}
            for name, about in headers.items()
        }
    return {status: response}


def not_found(
    description: str = "Not found in your organisation (another organisation's ids answer "
    "this too).",
) -> Responses:
    return problem(
        404,
        "not-found",
        "Not found",
        description,
        "No recipient 'rcp_01JD3ZK8Y2M0000000000000000'.",
    )


NOT_FOUND = not_found()


def conflict(kind: type[Conflict], description: str, detail: str, **members: Any) -> Responses:
    """The 409 of one conflict type (`app.errors`), described for its route."""
    return problem(
        409, kind.slug, kind.title, f"`/problems/{kind.slug}`: {description}", detail, **members
    )


CONCURRENT_CHANGE = conflict(
    ConcurrentChange,
    "another request changed the same rows at the same time; nothing was changed: retry.",
    "Another request changed this recipient at the same time; retry.",
)
CAMPAIGN_CLOSED = conflict(
    CampaignClosed,
    "the campaign has closed (`campaign`, `campaign_id`).",
    "This campaign has closed.",
    campaign="rescind-stca",
    campaign_id="cmp_01JD3ZK8Y2M0000000000000000",
)
DUPLICATE_ACTION_OR_CLOSED = problem(
    409,
    "duplicate-action",
    "This email address already took action on this campaign",
    "`/problems/duplicate-action`: to a key that may read this organisation's letters, "
    "this email address already took action here (`action_id` names that action). "
    "`/problems/campaign-closed`: the campaign has closed (`campaign`, `campaign_id`).",
    "You have already taken action on this campaign with this email address.",
    action_id="act_01JD3ZK8Y2M0000000000000000",
)
LETTER_NOT_CANCELLABLE = problem(
    409,
    "letter-not-cancellable",
    "This letter can no longer be cancelled",
    "`/problems/letter-not-cancellable`: the letter is being sent, or left "
    "(`letter_status` says where it stands).",
    "This letter is sent and can no longer be cancelled.",
    letter_status="sent",
)
SLUG_TAKEN_OR_FIXED = problem(
    409,
    "slug-fixed",
    "This campaign's slug can no longer change",
    "`/problems/slug-fixed`: the campaign has been public and its slug cannot change; "
    "`/problems/slug-taken`: another campaign has this slug. `errors` names `slug`.",
    "This campaign has been public: its slug is in links supporters were given.",
    errors=[{"field": "slug", "in": "body", "message": "cannot change once public"}],
)


def gone(description: str = "Expired.") -> Responses:
    return problem(
        410,
        "gone",
        "No longer available",
        description,
        "This link was valid for 7 days; the letters were not sent.",
    )


UPSTREAM = problem(
    503,
    "upstream-unavailable",
    "A service we depend on did not answer",
    "The postal-code lookup provider (Represent) did not answer; retry later.",
    "The Represent API did not answer in time.",
)
# For the rate-limited public operations.
RATE_LIMITED = problem(
    429,
    "rate-limited",
    "Too many requests",
    "Over the rate limit for this client address or supporter email.",
    "Too many requests; try again in 30 seconds.",
    headers={"Retry-After": "Seconds to wait before trying again."},
    retry_after=30,
)
# Every POST, by its Idempotency-Key.
IDEMPOTENCY_KEY_IN_USE = problem(
    409,
    "idempotency-key-in-use",
    "A request with this Idempotency-Key is still running",
    "A request with this `Idempotency-Key` is still running; retry shortly.",
    "Retry shortly: the first request's answer will then be given again.",
    headers={"Retry-After": "Seconds to wait before trying again."},
)
IDEMPOTENCY_KEY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any string of 1 to 255 printable ASCII characters, such as a UUID, new "
    "for each operation: a retry with the same key and request is answered the first "
    "answer again (`Idempotent-Replayed: true`) without doing the work twice; the same key "
    "with another request answers 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "example": "5f0c8f7e-8a53-4c1e-9d51-2b7c1f0a6e11",
}
UNAUTHENTICATED = problem(
    401,
    "unauthenticated",
    "Missing or invalid API key",
    "No key, or a key that is unknown or revoked.",
    "Send your API key as `Authorization: Bearer <key>`.",
    headers={"WWW-Authenticate": 'The scheme to use: `Bearer realm="letterdesk"`.'},
)
INVALID = problem(
    422,
    "validation-error",
    "Your request is not valid",
    "A field is not valid: `errors` names each one.",
    "One or more fields are not valid; see errors.",
    errors=[
        {
            "field": "district.province",
            "in": "body",
            "message": "must be a Canadian province or territory, such as ON or Quebec",
            "code": "value_error",
        }
    ],
)
MALFORMED_JSON = problem(
    400,
    "malformed-json",
    "The request body is not valid JSON",
    "The body is not JSON: a syntax error, bytes that are not UTF-8, arrays or objects "
    "nested deeper than we read, or a number of more than 4,300 digits.",
    "JSON decode error",
)
TOO_LARGE = problem(
    413,
    "payload-too-large",
    "Request body too large",
    "The body is over the size bound (`max_bytes`).",
    "A request body here may hold at most 1000000 bytes.",
    max_bytes=1_000_000,
)


def forbidden(scope: str) -> Responses:
    return problem(
        403,
        "forbidden",
        "This API key lacks the scope this needs",
        f"The key does not grant `{scope}` (`required_scope` names it).",
        f"This needs the {scope!r} scope.",
        required_scope=scope,
    )


_BODY_METHODS = {"post", "put", "patch", "delete"}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def complete_problems(document: dict[str, Any], scopes: Mapping[tuple[str, str], str]) -> None:
    """Declare in `document` (FastAPI's) the problems every operation gives by how it is
    called: 401 and 403 where `scopes` names its scope (by method and path), 422 where it
    takes parameters or a body, 400 where it reads JSON, 413 where the body limit applies,
    and on every POST of the API its `Idempotency-Key` header with the 409 and 422 that come of it.
    What a router declares itself stays as it is, but for FastAPI's own 422, replaced."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared: Responses = {}
            scope = scopes.get((method, path))
            if scope is not None:
                declared |= UNAUTHENTICATED | forbidden(scope)
                operation["x-required-scope"] = scope
            body = operation.get("requestBody", {}).get("content", {})
            # Under /v1 an unknown query parameter is a 422 too (app.query_params).
            if operation.get("parameters") or body or path.startswith("/v1"):
                declared |= INVALID
            if list(body) == ["application/json"]:
                declared |= MALFORMED_JSON
            if method in _BODY_METHODS:
                declared |= TOO_LARGE
            if method == "post" and path.startswith(IDEMPOTENT_PATHS):
                declared |= INVALID | IDEMPOTENCY_KEY_IN_USE
                operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY_HEADER)
            responses = operation["responses"]
            if _is_fastapi_validation_error(responses.get("422")):
                del responses["422"]
            for status, response in declared.items():
                responses.setdefault(str(status), response)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas |= problem_schema.pop("$defs", {})
    schemas["Problem"] = problem_schema


LOCATION_HEADER = {
    "description": "The resource made: its address in this API (for a preview link, the "
    "page's address).",
    "required": True,
    "schema": {"type": "string"},
    "example": "/v1/campaigns/cmp_01JD3ZK8Y2M0000000000000000",
}


def declare_locations(document: dict[str, Any]) -> None:
    """Every `201 Created` of the document carries `Location` (routers set it): declared
    here for all of them, so a new one cannot forget it."""
    for operations in document["paths"].values():
        for operation in operations.values():
            created = operation["responses"].get("201")
            if created is not None:
                created.setdefault("headers", {}).setdefault("Location", LOCATION_HEADER)


def _is_fastapi_validation_error(response: dict[str, Any] | None) -> bool:
    schema = (response or {}).get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


def restore_null_examples(document: dict[str, Any]) -> None:
    """FastAPI writes its document without the nulls in it, examples' too, so that an
    example of a required nullable field (`"revoked_at": null`) loses it and no longer
    fits its schema. Every field an example lacks that its schema requires and lets be
    null was null: put it back."""
    schemas = document.get("components", {}).get("schemas", {})
    for schema in schemas.values():
        for example in schema.get("examples", []):
            _restore_nulls(example, schema, schemas)
    for operations in document["paths"].values():
        for operation in operations.values():
            answers = [*operation["responses"].values(), operation.get("requestBody", {})]
            for answer in answers:
                for media in answer.get("content", {}).values():
                    if "example" in media:
                        _restore_nulls(media["example"], media.get("schema", {}), schemas)


def _resolved(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _allows_null(schema: dict[str, Any], schemas: dict[str, Any]) -> bool:
    schema = _resolved(schema, schemas)
    kind = schema.get("type")
    return (
        kind == "null"
        or (isinstance(kind, list) and "null" in kind)
        or any(_allows_null(option, schemas) for option in schema.get("anyOf", []))
    )


def _restore_nulls(value: Any, schema: dict[str, Any], schemas: dict[str, Any]) -> None:
    schema = _resolved(schema, schemas)
    for option in schema.get("anyOf", []):
        _restore_nulls(value, option, schemas)
    if isinstance(value, dict) and "properties" in schema:
        properties = schema["properties"]
        for name in schema.get("required", []):
            if name not in value and _allows_null(properties.get(name, {}), schemas):
                value[name] = None
        for name, item in value.items():
            if name in properties:
                _restore_nulls(item, properties[name], schemas)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            _restore_nulls(item, schema["items"], schemas)
