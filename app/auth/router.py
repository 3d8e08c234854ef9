from fastapi import APIRouter, Response

from app.auth import service
from app.auth.deps import Admin
from app.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyOut,
    OrganisationOut,
    OrganisationUpdate,
)
from app.db import SessionDep
from app.errors import KeyNameTaken, LastAdminKey, OrganisationNameTaken
from app.pagination import Window
from app.responses import NOT_FOUND, conflict

router = APIRouter(prefix="/v1/api-keys", tags=["api keys"])
organisation_router = APIRouter(prefix="/v1/organisation", tags=["organisation"])


KEY_NAME_TAKEN = conflict(
    KeyNameTaken,
    "another key of the organisation, live or revoked, has this name. `errors` names `name`.",
    "Another API key of this organisation is named 'website': choose another name.",
    errors=[{"field": "name", "in": "body", "message": "is taken"}],
)


@router.post("", status_code=201, response_model=ApiKeyCreated, responses=KEY_NAME_TAKEN)
def create_api_key(
    body: ApiKeyCreate, principal: Admin, session: SessionDep, response: Response
) -> ApiKeyCreated:
    """A key with the scopes asked for, named as no other key of the organisation is."""
    api_key, key = service.create_key(
        session, principal.organisation_id, body.name, body.scopes, action_limit=body.action_limit
    )
    response.headers["Location"] = f"/v1/api-keys/{api_key.id}"
    return ApiKeyCreated(**ApiKeyOut.model_validate(api_key).model_dump(), key=key)


@router.get("", response_model=ApiKeyList)
def list_api_keys(principal: Admin, session: SessionDep, window: Window) -> ApiKeyList:
    page = service.list_keys(session, principal.organisation_id, window)
    return ApiKeyList.model_validate(page.map(ApiKeyOut.model_validate), from_attributes=True)


@router.get("/{key_id}", response_model=ApiKeyOut, responses=NOT_FOUND)
def get_api_key(key_id: str, principal: Admin, session: SessionDep) -> ApiKeyOut:
    """One key, as the list shows it (never the key itself)."""
    return ApiKeyOut.model_validate(service.get_key(session, principal.organisation_id, key_id))


@router.post(
    "/{key_id}/revoke",
    response_model=ApiKeyOut,
    responses=NOT_FOUND
    | conflict(
        LastAdminKey,
        "the key is the organisation's last live admin key: make another admin key first.",
        "This is the organisation's last live admin key: make another admin key before "
        "revoking it.",
    ),
)
def revoke_api_key(key_id: str, principal: Admin, session: SessionDep) -> ApiKeyOut:
    return ApiKeyOut.model_validate(service.revoke_key(session, principal.organisation_id, key_id))


@organisation_router.get("", response_model=OrganisationOut)
def get_organisation(principal: Admin, session: SessionDep) -> OrganisationOut:
    return OrganisationOut.model_validate(
        service.find_organisation(session, principal.organisation_id)
    )


@organisation_router.patch(
    "",
    response_model=OrganisationOut,
    responses=conflict(
        OrganisationNameTaken,
        "another organisation has the `name` asked for. `errors` names `name`.",
        "An organisation named 'Amnesty International Canada' already exists.",
        errors=[{"field": "name", "in": "body", "message": "another organisation has this name"}],
    ),
)
def update_organisation(
    body: OrganisationUpdate, principal: Admin, session: SessionDep
) -> OrganisationOut:
    """Change the fields sent: the organisation's name, the name its emails show and its
    public identity."""
    organisation = service.update_organisation(
        session, principal.organisation_id, body.model_dump(mode="json", exclude_unset=True)
    )
    return OrganisationOut.model_validate(organisation)
