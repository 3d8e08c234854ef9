"""Domain errors raised by services, and their one mapping to RFC 9457 problem+json."""

import logging
import sys
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_MEDIA_TYPE = "application/problem+json"


log = logging.getLogger("letterdesk.errors")


class DomainError(Exception):
    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra


class NotFound(DomainError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(DomainError):
    status = 409
    slug = "conflict"
    title = "Conflict"


# Conflicts a client acts on differently, each its own type (RFC 9457 3.1.1).
class DuplicateAction(Conflict):
    slug = "duplicate-action"
    title = "This email address already took action on this campaign"


class CampaignClosed(Conflict):
    slug = "campaign-closed"
    title = "This campaign has closed"


class LetterNotCancellable(Conflict):
    slug = "letter-not-cancellable"
    title = "This letter can no longer be cancelled"


class SlugFixed(Conflict):
    slug = "slug-fixed"
    title = "This campaign's slug can no longer change"


class SlugTaken(Conflict):
    slug = "slug-taken"
    title = "Another campaign has this slug"


class KeyNameTaken(Conflict):
    slug = "key-name-taken"
    title = "Another API key of this organisation has this name"


class OrganisationNameTaken(Conflict):
    slug = "organisation-name-taken"
    title = "Another organisation has this name"


class LastAdminKey(Conflict):
    slug = "last-admin-key"
    title = "This is the organisation's last live admin key"


class WebhookPaused(Conflict):
    slug = "webhook-paused"
    title = "This webhook is paused"


class DeliveryPending(Conflict):
    slug = "delivery-pending"
    title = "This delivery is still being tried"


class LetterNotHeld(Conflict):
    slug = "letter-not-held"
    title = "This letter cannot be released"


class LetterNotPrintable(Conflict):
    slug = "letter-not-printable"
    title = "This letter cannot be laid out for print"


class BatchNotReady(Conflict):
    slug = "batch-not-ready"
    title = "This print batch is not ready"


class SyncStopped(Conflict):
    slug = "sync-stopped"
    title = "The directory sync stopped before changing anything"


class ConcurrentChange(Conflict):
    slug = "concurrent-change"
    title = "Another request changed this at the same time"


class InvalidInput(DomainError):
    status = 422
    slug = "validation-error"
    title = "Your request is not valid"


class Gone(DomainError):
    status = 410
    slug = "gone"
    title = "No longer available"


class Unauthenticated(DomainError):
    status = 401
    slug = "unauthenticated"
    title = "Missing or invalid API key"


class Forbidden(DomainError):
    status = 403
    slug = "forbidden"
    title = "This API key lacks the scope this needs"


class PayloadTooLarge(DomainError):
    status = 413
    slug = "payload-too-large"
    title = "Request body too large"


class TooManyRequests(DomainError):
    status = 429
    slug = "rate-limited"
    title = "Too many requests"


class UpstreamUnavailable(DomainError):
    status = 503
    slug = "upstream-unavailable"
    title = "A service we depend on did not answer"


def invalid_field(
    field: str, message: str, detail: str | None = None, *, where: str = "body", **extra: Any
) -> InvalidInput:
    """The 422 for one field: `message` says what is wrong with it."""
    return InvalidInput(detail, errors=[{"field": field, "in": where, "message": message}], **extra)


def problem_type(slug: str) -> str:
    return f"/problems/{slug}"


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    /,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    instance: str | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": problem_type(slug), "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def field_errors(raw_errors: Any) -> list[dict[str, Any]]:
    """Pydantic's error list, each entry naming its field as a dotted path."""
    named = []
    for error in raw_errors:
        location = [str(part) for part in error.get("loc", ())]
        source = (
            location[0] if location and location[0] in {"body", "query", "path", "header"} else None
        )
        field = ".".join(location[1:] if source else location)
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        entry = {"field": field or source or "", "message": message, "code": error.get("type", "")}
        if source:
            entry["in"] = source
        named.append(entry)
    return named


def domain_problem(exc: DomainError, path: str) -> JSONResponse:
    return problem_response(
        exc.status,
        exc.slug,
        exc.title,
        exc.detail,
        errors=exc.errors,
        headers=exc.headers,
        instance=path,
        **exc.extra,
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_problem(exc, request.url.path)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    if any(error.get("type") == "json_invalid" for error in raw):
        return problem_response(
            400,
            "malformed-json",
            "The request body is not valid JSON",
            "; ".join(str(error.get("ctx", {}).get("error", "")) for error in raw),
            instance=request.url.path,
        )
    return problem_response(
        422,
        InvalidInput.slug,
        InvalidInput.title,
        "One or more fields are not valid; see errors.",
        errors=field_errors(raw),
        instance=request.url.path,
    )


def _why_unreadable(cause: BaseException | None) -> str:
    """What FastAPI met reading a JSON body, in words (it says only "an error")."""
    if isinstance(cause, UnicodeDecodeError):
        return (
            f"The body is not UTF-8: byte 0x{cause.object[cause.start]:02x} at position "
            f"{cause.start} cannot be read."
        )
    if isinstance(cause, RecursionError):
        return "The JSON nests arrays or objects deeper than we read."
    if isinstance(cause, ValueError) and "digits" in str(cause):
        return f"A number in the JSON has more than {sys.get_int_max_str_digits()} digits."
    return "The body cannot be read as JSON."


def _allowed_methods(request: Request) -> str:
    """Every method the request's path takes, over all the routes that match it."""
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.routes):
        regex = getattr(context, "path_regex", None)
        if regex is not None and regex.match(request.scope["path"]):
            methods |= set(context.methods or ())
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, Exception):  # reading a body
        return problem_response(
            400,
            "malformed-json",
            "The request body is not valid JSON",
            _why_unreadable(exc.__cause__),
            instance=request.url.path,
        )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # Starlette names the methods of one route of the path
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    phrase = HTTPStatus(exc.status_code).phrase
    slug = phrase.lower().replace(" ", "-")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
    return problem_response(
        exc.status_code, slug, phrase, detail, headers=headers, instance=request.url.path
    )


# Seconds a client is asked to wait when the database does not answer.
DATABASE_RETRY_AFTER = 5


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database down, restarting or dropping connections: the client comes back
    later (503 with Retry-After), the log says it in one line, not a traceback; handled
    here, the HTTP connection is kept."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.error(
        "the database failed during %s %s: %s: %s",
        request.method,
        request.url.path,
        type(exc).__name__,
        reason[0] if reason else "",
    )
    return problem_response(
        503,
        "upstream-unavailable",
        "The database is not answering",
        "Try again in a few seconds.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
        instance=request.url.path,
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        500, "internal-error", "Something went wrong on our side", instance=request.url.path
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for unavailable in (OperationalError, InterfaceError, SQLAlchemyTimeoutError):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
