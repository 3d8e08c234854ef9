"""The page a confirmation email's link opens.

A GET only shows the page; the letters go when the supporter presses its button, a
POST. Mail scanners and link previews follow every link in an email: had the link itself
confirmed, they would confirm for the supporter. The page speaks the action's language;
a link we never sent speaks the browser's. `GET /v1/actions/{id}/confirm` stays for API
clients that carry the token themselves."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session, object_session

from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.db import SessionDep, utcnow
from app.errors import Gone, NotFound, TooManyRequests
from app.letters import service as letters
from app.letters.lifecycle import LetterStatus
from app.letters.models import Action
from app.rate_limits import check_address
from app.settings import Settings
from app.tokens import letters_page_token
from app.web import i18n
from app.web.i18n import Language
from app.web.identity import organisation_context
from app.web.local_time import local_time
from app.web.router import html, language_for, security_headers, templates
from app.web.service import parse_form

router = APIRouter(tags=["action pages"])

ActionPath = PathParam(max_length=40, description="The action's id, from the email's link.")
TokenQuery = Query(max_length=100, description="The token from the email's link.")
CONFIRM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: html("The page: a button that confirms, or a thank-you."),
    404: html("A link we did not send: a page saying so."),
    410: html("Expired, or the supporter's details were erased: a page saying so."),
    429: html("Too many confirmation links from this address: a page saying so."),
}


def action_language(action: Action) -> Language:
    return "fr" if action.language == "fr" else "en"


def confirmation_page(
    request: Request, language: Language, status: int = 200, **values: Any
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    context = {
        "t": lambda name, **more: i18n.text(name, language, **more),
        "lang": language,
        "embed": False,
        "days": settings.confirmation_days,
        "form": None,
        "confirmed": False,
        "campaign_link": "",
        "letters_page": "",
        "channels": set(),
    } | values
    context.setdefault("message", "")
    return templates.TemplateResponse(
        request,
        "confirm.html",
        context,
        status_code=status,
        headers=security_headers(settings, embed=False),
    )


def refusal_page(
    request: Request, session: Session, action_id: str, error: Exception, lang: str | None
) -> HTMLResponse:
    """A link that cannot confirm, said as a page: never a problem+json document. A link
    that was ours (expired, erased) speaks the action's language, any other the browser's."""
    action = session.get(Action, action_id) if isinstance(error, Gone) else None
    language = action_language(action) if action else language_for(request, ["en", "fr"], lang)
    days = request.app.state.settings.confirmation_days
    if isinstance(error, TooManyRequests):
        key, status = "confirm_too_many", 429
    elif isinstance(error, Gone):
        key = "confirm_erased" if error.extra.get("reason") == "erased" else "confirm_expired"
        status = 410
    else:
        key, status = "confirm_invalid", 404
    page = confirmation_page(
        request,
        language,
        status,
        title=i18n.text("confirm_failed_title", language),
        message=i18n.text(key, language, days=days),
    )
    if isinstance(error, TooManyRequests):
        page.headers.update(error.headers or {})
    return page


def campaign_of(session: Session, action: Action) -> Campaign:
    return session.get_one(Campaign, action.campaign_id)


def campaign_link(request: Request, campaign: Campaign, language: Language) -> str:
    return f"/c/{campaign.slug}?lang={language}" if campaign.status != "draft" else ""


@router.get(
    "/actions/{action_id}/confirm", response_class=HTMLResponse, responses=CONFIRM_RESPONSES
)
def confirmation_question(
    request: Request,
    session: SessionDep,
    action_id: str = ActionPath,
    token: Annotated[str, TokenQuery] = "",
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> HTMLResponse:
    """Public: the link in a supporter's confirmation email. Shows a button that confirms
    (a POST to the same address); following the link alone confirms nothing."""
    try:
        check_address(request, "confirm-address")
        action = letters.confirmable_action(session, action_id, token, request.app.state.settings)
    except (NotFound, Gone, TooManyRequests) as error:
        return refusal_page(request, session, action_id, error, lang)
    language = action_language(action)
    campaign = campaign_of(session, action)
    title = campaign.title.get(language) or next(iter(campaign.title.values()))
    if action.confirmed_at is not None:
        return confirmed_page(request, language, action, campaign, already=True)
    return confirmation_page(
        request,
        language,
        title=i18n.text("confirm_title", language),
        message=i18n.text("confirm_ask", language, name=action.first_name, title=title),
        form={"action": f"/actions/{action.id}/confirm", "token": token},
        **organisation_context(session.get_one(Organisation, action.organisation_id), language),
    )


async def token_of(request: Request) -> str:
    return parse_form(await request.body(), known=("token",)).get("token", "")[:100]


def confirmed_page(
    request: Request, language: Language, action: Action, campaign: Campaign, *, already: bool
) -> HTMLResponse:
    """Whoever reaches it holds the emailed link: their letters page is theirs to open."""
    settings: Settings = request.app.state.settings
    held_until = last_hold_of(action)
    if held_until is None:
        title = i18n.text("confirmed_title", language)
        message = i18n.text("confirmed_already" if already else "confirmed", language)
    else:
        title = i18n.text("confirmed_held_title", language)
        time = local_time(held_until, action.province, language)
        message = i18n.text("confirmed_held", language, time=time)
    return confirmation_page(
        request,
        language,
        title=title,
        message=message,
        confirmed=True,
        channels={letter.channel for letter in action.letters},
        campaign_link=campaign_link(request, campaign, language),
        **organisation_context(campaign_organisation(campaign), language),
        letters_page=f"/letters/{letters_page_token(settings, action.id)}?lang={language}",
    )


def last_hold_of(action: Action) -> datetime | None:
    """When the last of the action's letters still in their hold window may leave; None
    when none waits (no window, or it is over)."""
    now = utcnow()
    holds = [
        letter.hold_until
        for letter in action.letters
        if letter.status == LetterStatus.QUEUED
        and letter.hold_until is not None
        and letter.hold_until > now
    ]
    return max(holds, default=None)


def campaign_organisation(campaign: Campaign) -> Organisation:
    """The campaign's organisation, from the session the campaign was read in."""
    session = object_session(campaign)
    assert session is not None
    return session.get_one(Organisation, campaign.organisation_id)


@router.post(
    "/actions/{action_id}/confirm",
    response_class=HTMLResponse,
    responses=CONFIRM_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"token": {"type": "string"}}},
                    "example": {"token": "a29e5c49a453295427b1a89aacb4d130"},
                }
            },
        }
    },
)
def confirm_by_page(
    request: Request,
    session: SessionDep,
    token: Annotated[str, Depends(token_of)],
    action_id: str = ActionPath,
) -> HTMLResponse:
    """Public: the confirmation page's button. Queues the waiting letters and thanks the
    supporter with what happens next; pressing it again changes nothing."""
    settings: Settings = request.app.state.settings
    try:
        check_address(request, "confirm-address")
        queued = letters.confirm_action(session, action_id, token, settings)
        action = session.get_one(Action, action_id)
    except (NotFound, Gone, TooManyRequests) as error:
        session.rollback()
        return refusal_page(request, session, action_id, error, None)
    language = action_language(action)
    return confirmed_page(
        request, language, action, campaign_of(session, action), already=queued == 0
    )
