from fastapi import APIRouter, Path, Request

from app.auth.deps import CampaignsReader
from app.campaigns.service import get_campaign, live_campaign
from app.db import SessionDep
from app.letters import service
from app.letters.schemas import ActionCreate, ActionOut, CampaignStats, PreviewOut

router = APIRouter(tags=["actions"])

SlugPath = Path(max_length=80, description="The campaign's slug.")


@router.post(
    "/v1/campaigns/{slug}/actions",
    status_code=201,
    response_model=ActionOut,
    responses={409: {"description": "This email address already took action on this campaign."}},
)
def take_action(
    request: Request, body: ActionCreate, session: SessionDep, slug: str = SlugPath
) -> ActionOut:
    """Public: a supporter writes. One letter per target is rendered and stored, with its
    queued delivery, in one transaction; the answer holds the letters and any warnings."""
    campaign = live_campaign(session, slug)
    return service.take_action(session, campaign, body, request.app.state.district_provider)


@router.post("/v1/campaigns/{campaign_id}/preview", response_model=PreviewOut)
def preview_letters(
    request: Request,
    campaign_id: str,
    body: ActionCreate,
    principal: CampaignsReader,
    session: SessionDep,
) -> PreviewOut:
    """The letters an action with this body would write, exactly; nothing is stored."""
    campaign = get_campaign(session, principal.organisation_id, campaign_id)
    return service.preview(session, campaign, body, request.app.state.district_provider)


@router.get("/v1/campaigns/{slug}/stats", response_model=CampaignStats)
def campaign_stats(session: SessionDep, slug: str = SlugPath) -> CampaignStats:
    """Public: how many people took action and how many letters went out."""
    return service.stats(session, slug)
