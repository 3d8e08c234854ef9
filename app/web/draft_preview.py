"""A draft campaign's page, seen before it goes live, by whoever holds a key.

`POST /v1/campaigns/{id}/preview-link` (a `campaigns:read` key) answers an address that
shows the campaign's page, whatever its status, for an hour. The address holds the
campaign's id, encrypted and authenticated with a key of its own (`sealing`) and dated:
nobody can make one without a key, nor read the id from it. The page says it is a
preview, its Send button is disabled, and the form could not send anyway: a draft takes
no action (`live_campaign`). The public page of a draft stays a 404."""

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from app.auth.deps import CampaignsReader
from app.campaigns.models import Campaign
from app.campaigns.service import find_campaign, get_campaign
from app.db import SessionDep, utcnow
from app.directory.deps import DistrictProviderDep
from app.responses import NOT_FOUND
from app.sealing import InvalidToken, sealer
from app.settings import Settings, SettingsDep
from app.web.router import LangQuery, html, language_for, not_found_page, render_page

PURPOSE = "draft preview page"
VALID_FOR = timedelta(hours=1)

api_router = APIRouter(tags=["campaigns"])
page_router = APIRouter(tags=["action pages"])


class PreviewLinkOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://letters.example.org/c/rescind-stca/draft/gAAAAABn...",
                    "expires_at": "2026-11-30T12:00:00Z",
                    "created_at": "2026-11-30T11:00:00Z",
                }
            ]
        }
    )

    url: str = Field(description="The page, for anyone who has the address, until it expires.")
    expires_at: datetime
    created_at: datetime


def seal_preview(settings: Settings, campaign: Campaign) -> str:
    return sealer(settings, PURPOSE).encrypt(campaign.id.encode()).decode()


def open_preview(settings: Settings, token: str) -> str | None:
    """The campaign id a preview address names, or None for one we did not make or
    older than VALID_FOR."""
    try:
        opened = sealer(settings, PURPOSE).decrypt(
            token.encode(), ttl=int(VALID_FOR.total_seconds())
        )
    except (InvalidToken, ValueError):
        return None
    return opened.decode()


def preview_address(settings: Settings, campaign: Campaign) -> str:
    token = seal_preview(settings, campaign)
    return f"{settings.public_url.rstrip('/')}/c/{campaign.slug}/draft/{token}"


@api_router.post(
    "/v1/campaigns/{campaign_id}/preview-link",
    status_code=201,
    response_model=PreviewLinkOut,
    responses=NOT_FOUND,
)
def issue_preview_link(
    campaign_id: Annotated[
        str, PathParam(max_length=80, description="The campaign's `cmp_` id, or its slug.")
    ],
    principal: CampaignsReader,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> PreviewLinkOut:
    """An address that shows the campaign's page as supporters will see it, draft or not,
    for an hour; the page says it is a preview and cannot send."""
    campaign = get_campaign(session, principal.organisation_id, campaign_id)
    now = utcnow()
    url = preview_address(settings, campaign)
    response.headers["Location"] = url
    return PreviewLinkOut(url=url, expires_at=now + VALID_FOR, created_at=now)


DRAFT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: html("The campaign's page, marked as a preview, its Send button disabled."),
    404: html("No such campaign, or an address we did not make or older than an hour."),
}


@page_router.get("/c/{slug}/draft/{token}", response_class=HTMLResponse, responses=DRAFT_RESPONSES)
def draft_preview_page(
    request: Request,
    session: SessionDep,
    provider: DistrictProviderDep,
    settings: SettingsDep,
    slug: Annotated[str, PathParam(description="The campaign's slug.")],
    token: Annotated[str, PathParam(max_length=1000, description="From the preview link.")],
    lang: Annotated[str | None, LangQuery] = None,
) -> HTMLResponse:
    """Public with its address: a campaign's page as a preview (the address comes from
    `POST /v1/campaigns/{campaign_id}/preview-link`)."""
    campaign_id = open_preview(settings, token)
    # The token names the campaign; the slug in the address must be its own.
    campaign = find_campaign(session, campaign_id) if campaign_id else None
    if campaign is None or campaign.slug != slug:
        return not_found_page(request, lang, embed=False)
    language = language_for(request, campaign.languages, lang)
    return render_page(request, session, campaign, provider, language, False, draft=True)
