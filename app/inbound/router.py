from fastapi import APIRouter

from app.auth.deps import LettersReader
from app.campaigns.service import get_campaign
from app.db import SessionDep
from app.inbound.figures import responsiveness
from app.inbound.schemas import CampaignResponsiveness
from app.responses import NOT_FOUND

router = APIRouter(tags=["letters"])


@router.get(
    "/v1/campaigns/{campaign_id}/responsiveness",
    response_model=CampaignResponsiveness,
    responses=NOT_FOUND,
)
def campaign_responsiveness(
    principal: LettersReader, session: SessionDep, campaign_id: str
) -> CampaignResponsiveness:
    """Per official written to and overall: emailed letters sent, bounced, answered by a
    person (reply capture), and the median days to the first answer."""
    campaign = get_campaign(session, principal.organisation_id, campaign_id)
    return responsiveness(session, campaign)
