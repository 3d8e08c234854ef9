from fastapi import APIRouter

from app.auth.deps import LettersReader
from app.campaigns.service import get_campaign
from app.db import SessionDep
from app.inbound.figures import organisation_responsiveness, responsiveness
from app.inbound.schemas import CampaignResponsiveness, OrganisationResponsiveness
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
    """Per official and per office written to, and overall: emailed letters sent,
    bounced, answered (captured at the reply address, or reported by the supporter when
    asked), and the median days to the first captured answer; the period they span."""
    campaign = get_campaign(session, principal.organisation_id, campaign_id)
    return responsiveness(session, campaign)


@router.get("/v1/responsiveness", response_model=OrganisationResponsiveness)
def overall_responsiveness(
    principal: LettersReader, session: SessionDep
) -> OrganisationResponsiveness:
    """The same figures over every campaign of the organisation: overall, per campaign,
    per official and per office."""
    return organisation_responsiveness(session, principal.organisation_id)
