import re
from collections.abc import Callable, Sequence
from typing import Annotated

from fastapi import Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy.orm import Session
from starlette.routing import BaseRoute, compile_path

from app.auth.scopes import Scope, grants
from app.auth.service import BEARER_CHALLENGE, Principal, authenticate
from app.db import SessionDep
from app.errors import Forbidden, Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ld_...`")
# Each dependency `require` made, and its scope: the OpenAPI document names it per route.
_scope_of_dependency: dict[object, Scope] = {}


def bearer_key(authorization: str | None) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, as HTTPBearer reads it."""
    scheme, key = get_authorization_scheme_param(authorization)
    return key if authorization and scheme.lower() == "bearer" and key else None


def missing_key() -> Unauthenticated:
    return Unauthenticated(
        "Send your API key as `Authorization: Bearer <key>`.", headers=BEARER_CHALLENGE
    )


def admit(session: Session, key: str | None, scope: Scope) -> Principal:
    """The caller of `key`, if it is live and grants `scope`: else 401 or 403."""
    if key is None:
        raise missing_key()
    principal = authenticate(session, key)
    if not grants(principal.scopes, scope):
        raise Forbidden(f"This needs the {scope.value!r} scope.", required_scope=scope.value)
    return principal


def require(scope: Scope) -> Callable[..., Principal]:
    """A dependency that admits a caller whose key is valid and grants `scope`."""

    def dependency(
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        return admit(session, credentials.credentials if credentials else None, scope)

    _scope_of_dependency[dependency] = scope
    return dependency


def optional_principal(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """For a public route that tells a keyed caller more: None without a key; a key
    that is not live is refused (401), never taken for no key."""
    if credentials is None:
        return None
    return authenticate(session, credentials.credentials)


def required_scope(route: APIRoute) -> Scope | None:
    """The scope a route's key must grant; None for a public route."""

    def search(dependant: Dependant) -> Scope | None:
        for sub in dependant.dependencies:
            scope = _scope_of_dependency.get(sub.call) or search(sub)
            if scope is not None:
                return scope
        return None

    return search(route.dependant)


def scopes_by_operation(routes: Sequence[BaseRoute]) -> dict[tuple[str, str], str]:
    """(method, path) -> the scope it needs, for every scoped operation, as the OpenAPI
    document names them (method in lower case)."""
    scopes = {}
    for context in iter_route_contexts(routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or context.path_format is None:
            continue
        scope = required_scope(route)
        if scope is not None:
            for method in route.methods or ():
                scopes[(method.lower(), context.path_format)] = scope.value
    return scopes


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def keyed_operations(routes: Sequence[BaseRoute]) -> list[tuple[re.Pattern[str], set[str]]]:
    """The path pattern and methods of every operation that wants a key."""
    keyed = []
    for context in iter_route_contexts(routes):
        route = context.original_route
        if (
            isinstance(route, APIRoute)
            and context.path_format is not None
            and required_scope(route) is not None
        ):
            pattern, _, _ = compile_path(context.path_format)
            keyed.append((pattern, set(route.methods or ())))
    return keyed


DirectoryReader = Annotated[Principal, Depends(require(Scope.DIRECTORY_READ))]
DirectoryWriter = Annotated[Principal, Depends(require(Scope.DIRECTORY_WRITE))]
Admin = Annotated[Principal, Depends(require(Scope.ADMIN))]
CampaignsReader = Annotated[Principal, Depends(require(Scope.CAMPAIGNS_READ))]
CampaignsWriter = Annotated[Principal, Depends(require(Scope.CAMPAIGNS_WRITE))]
LettersReader = Annotated[Principal, Depends(require(Scope.LETTERS_READ))]
LettersWriter = Annotated[Principal, Depends(require(Scope.LETTERS_WRITE))]
ConstituentsReader = Annotated[Principal, Depends(require(Scope.CONSTITUENTS_READ))]
ConstituentsWriter = Annotated[Principal, Depends(require(Scope.CONSTITUENTS_WRITE))]
WebhooksReader = Annotated[Principal, Depends(require(Scope.WEBHOOKS_READ))]
WebhooksWriter = Annotated[Principal, Depends(require(Scope.WEBHOOKS_WRITE))]
