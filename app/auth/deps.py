from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth.scopes import Scope, grants
from app.auth.service import BEARER_CHALLENGE, Principal, authenticate
from app.db import SessionDep
from app.errors import Forbidden, Unauthenticated

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ld_...`")


def require(scope: Scope) -> Callable[..., Principal]:
    """A dependency that admits a caller whose key is valid and grants `scope`."""

    def dependency(
        session: SessionDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        if credentials is None:
            raise Unauthenticated(
                "Send your API key as `Authorization: Bearer <key>`.", headers=BEARER_CHALLENGE
            )
        principal = authenticate(session, credentials.credentials)
        if not grants(principal.scopes, scope):
            raise Forbidden(f"This needs the {scope.value!r} scope.", required_scope=scope.value)
        return principal

    return dependency


DirectoryReader = Annotated[Principal, Depends(require(Scope.DIRECTORY_READ))]
DirectoryWriter = Annotated[Principal, Depends(require(Scope.DIRECTORY_WRITE))]
Admin = Annotated[Principal, Depends(require(Scope.ADMIN))]
CampaignsReader = Annotated[Principal, Depends(require(Scope.CAMPAIGNS_READ))]
CampaignsWriter = Annotated[Principal, Depends(require(Scope.CAMPAIGNS_WRITE))]
LettersReader = Annotated[Principal, Depends(require(Scope.LETTERS_READ))]
LettersWriter = Annotated[Principal, Depends(require(Scope.LETTERS_WRITE))]
WebhooksReader = Annotated[Principal, Depends(require(Scope.WEBHOOKS_READ))]
WebhooksWriter = Annotated[Principal, Depends(require(Scope.WEBHOOKS_WRITE))]
