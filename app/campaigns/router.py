from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.auth.deps import CampaignsReader, CampaignsWriter
from app.campaigns import service
from app.campaigns.schemas import (
    CampaignCreate,
    CampaignList,
    CampaignOut,
    CampaignUpdate,
    Status,
    campaign_out,
)
from app.db import SessionDep
from app.errors import SlugTaken
from app.pagination import ChangingWindow
from app.responses import NOT_FOUND, SLUG_TAKEN_OR_FIXED, conflict

router = APIRouter(prefix="/v1/campaigns", tags=["campaigns"])

CampaignName = Annotated[
    str, Path(max_length=80, description="The campaign's `cmp_` id, or its slug.")
]


SLUG_TAKEN = conflict(
    SlugTaken,
    "another campaign of yours, or a published one of another organisation, has this "
    "slug. `errors` names `slug`.",
    "Your campaign cmp_01JD3ZK8Y2M0000000000000000 has this slug.",
    errors=[{"field": "slug", "in": "body", "message": "is taken"}],
)


@router.post("", status_code=201, response_model=CampaignOut, responses=SLUG_TAKEN)
def create_campaign(
    body: CampaignCreate, principal: CampaignsWriter, session: SessionDep, response: Response
) -> CampaignOut:
    campaign = service.create_campaign(session, principal.organisation_id, body)
    response.headers["Location"] = f"/v1/campaigns/{campaign.id}"
    return campaign_out(campaign)


@router.get("", response_model=CampaignList)
def list_campaigns(
    principal: CampaignsReader,
    session: SessionDep,
    window: ChangingWindow,
    status: Status | None = None,
) -> CampaignList:
    page = service.list_campaigns(session, principal.organisation_id, status, window)
    return CampaignList.model_validate(page.map(campaign_out), from_attributes=True)


@router.get("/{campaign_id}", response_model=CampaignOut, responses=NOT_FOUND)
def get_campaign(
    campaign_id: CampaignName, principal: CampaignsReader, session: SessionDep
) -> CampaignOut:
    return campaign_out(service.get_campaign(session, principal.organisation_id, campaign_id))


@router.patch(
    "/{campaign_id}",
    response_model=CampaignOut,
    responses=NOT_FOUND | SLUG_TAKEN_OR_FIXED,
)
def update_campaign(
    campaign_id: CampaignName, body: CampaignUpdate, principal: CampaignsWriter, session: SessionDep
) -> CampaignOut:
    return campaign_out(
        service.update_campaign(session, principal.organisation_id, campaign_id, body)
    )
