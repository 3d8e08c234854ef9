"""The organiser's console: HTML pages for the people who run an organisation's
campaigns, served by the same application and Jinja2 setup as the action pages.

Signing in: a user gives their address and gets a link by email (through the outbox and
the email lane, as letters go); the link shows a button, and only the button (a POST)
signs in, because mail scanners follow links. The session is a cookie holding a random
token (HttpOnly, SameSite=Lax, Secure unless the service is on loopback), and every form
carries a CSRF token tied to the session. The pages are not part of the API document:
machines use API keys."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlparse

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.campaigns.service import get_campaign
from app.console import i18n, replies, service, supporters
from app.console.models import ConsoleSession, User
from app.console.roles import may_change_campaigns, may_see_personal_data
from app.console.supporters import SupporterFilter
from app.constituents import service as constituents
from app.db import SessionDep
from app.errors import Gone, NotFound, TooManyRequests
from app.inbound.figures import responsiveness
from app.letters.results import results
from app.rate_limits import check_address
from app.settings import Settings, SettingsDep
from app.web.i18n import Language, page_language
from app.web.router import security_headers
from app.web.service import parse_form

HERE = Path(__file__).parent
environment = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,  # every value shown is data, never markup
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
static_files = StaticFiles(directory=HERE / "static")
router = APIRouter(include_in_schema=False)

COOKIE = "letterdesk_console"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class Viewer:
    """Who is looking: the signed-in user and their session."""

    user: User
    session: ConsoleSession

    @property
    def language(self) -> Language:
        return "fr" if self.user.language == "fr" else "en"


def viewer_of(request: Request, session: SessionDep, settings: SettingsDep) -> Viewer | None:
    found = service.current_session(session, request.cookies.get(COOKIE, ""), settings)
    return Viewer(found.user, found) if found else None


ViewerDep = Annotated[Viewer | None, Depends(viewer_of)]


def browser_language(request: Request, lang: str | None) -> Language:
    return page_language(["en", "fr"], lang, request.headers.get("accept-language", "")[:500])


def page(
    request: Request,
    template: str,
    language: Language,
    viewer: Viewer | None = None,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    context: dict[str, Any] = {
        "t": lambda key, **more: i18n.text(key, language, **more),
        "lang": language,
        "viewer": viewer,
        "csrf": service.csrf_token(settings, viewer.session.id) if viewer else "",
        "when": lambda moment: when(moment, language),
    } | values
    body = environment.get_template(template).render(context)
    return HTMLResponse(body, status, headers=security_headers(settings, embed=False))


def when(moment: datetime, language: Language) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def to_sign_in() -> RedirectResponse:
    return RedirectResponse("/console/sign-in", status_code=303)


def secure_cookie(settings: Settings) -> bool:
    """Secure everywhere but a developer's loopback (served over plain http)."""
    url = urlparse(settings.public_url)
    return url.scheme == "https" or (url.hostname or "") not in LOOPBACK


async def form_of(request: Request, *fields: str) -> dict[str, str]:
    return parse_form(await request.body(), known=("csrf", *fields))


async def csrf_holds(request: Request, settings: Settings, viewer: Viewer) -> bool:
    given = (await form_of(request)).get("csrf", "")
    return service.csrf_holds(settings, viewer.session.id, given)


def forbidden_form(request: Request, viewer: Viewer) -> HTMLResponse:
    return page(
        request,
        "message.html",
        viewer.language,
        viewer,
        status=403,
        title=i18n.text(
            "error_title", viewer.language, title=i18n.text("console", viewer.language)
        ),
        message=i18n.text("forbidden_form", viewer.language),
    )


@router.get("/", response_class=RedirectResponse)
@router.get("/admin", response_class=RedirectResponse)
def to_console() -> RedirectResponse:
    """The service's root is the organisers' way in; supporters arrive at /c/{slug}."""
    return RedirectResponse("/console", status_code=303)


@router.get("/console", response_model=None)
def home(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    if viewer is None:
        return to_sign_in()
    campaigns = session.scalars(
        select(Campaign)
        .where(Campaign.organisation_id == viewer.user.organisation_id)
        .order_by(Campaign.created_at.desc())
    ).all()
    return page(
        request,
        "home.html",
        viewer.language,
        viewer,
        title=i18n.text("campaigns", viewer.language),
        organisation=service.organisation_of(session, viewer.user).name,
        campaigns=[campaign_row(c, viewer.language) for c in campaigns],
        may_change=may_change_campaigns(viewer.user.role),
        may_see_people=may_see_personal_data(viewer.user.role),
    )


def campaign_row(campaign: Campaign, language: Language) -> dict[str, Any]:
    title = campaign.title.get(language) or next(iter(campaign.title.values()), campaign.slug)
    return {
        "title": title,
        "id": campaign.id,
        "slug": campaign.slug,
        "status": campaign.status,
        "actions": campaign.action_count,
        "sent": campaign.sent_count,
        "page": f"/c/{campaign.slug}" if campaign.status != "draft" else "",
    }


@router.get("/console/sign-in", response_class=HTMLResponse)
def sign_in_form(
    request: Request,
    viewer: ViewerDep,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> Response:
    if viewer is not None:
        return RedirectResponse("/console", status_code=303)
    language = browser_language(request, lang)
    return page(request, "sign_in.html", language, title=i18n.text("sign_in_title", language))


@router.post("/console/sign-in", response_class=HTMLResponse)
async def ask_for_link(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> HTMLResponse:
    """Answers the same whether or not the address has an account: the form tells no one
    who does."""
    language = browser_language(request, lang)
    email = (await form_of(request, "email")).get("email", "").strip()[:320]
    if "@" not in email:
        return page(
            request,
            "sign_in.html",
            language,
            status=422,
            title=i18n.text("error_title", language, title=i18n.text("sign_in_title", language)),
            error=i18n.text("email_invalid", language),
            email=email,
        )
    try:
        check_address(request, "sign-in-address")
    except TooManyRequests as error:
        answer = page(
            request,
            "message.html",
            language,
            status=429,
            title=i18n.text("error_title", language, title=i18n.text("sign_in_title", language)),
            message=i18n.text("too_many", language),
        )
        answer.headers.update(error.headers or {})
        return answer
    service.request_sign_in(session, email, settings)
    return page(
        request,
        "message.html",
        language,
        title=i18n.text("link_sent_title", language),
        message=i18n.text(
            "link_sent", language, email=email, minutes=settings.console_link_minutes
        ),
    )


def link_refused(request: Request, language: Language, error: Exception) -> HTMLResponse:
    gone = isinstance(error, Gone)
    return page(
        request,
        "message.html",
        language,
        status=410 if gone else 404,
        title=i18n.text("error_title", language, title=i18n.text("sign_in_title", language)),
        message=i18n.text("link_gone" if gone else "link_not_ours", language),
        again=True,
    )


@router.get("/console/sign-in/{link_id}", response_class=HTMLResponse)
def sign_in_question(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    link_id: str,
    token: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    """The emailed link: shows a button; following the link alone signs no one in."""
    try:
        link = service.usable_link(session, link_id, token, settings)
    except (NotFound, Gone) as error:
        return link_refused(request, browser_language(request, None), error)
    user = session.get_one(User, link.user_id)
    language: Language = "fr" if user.language == "fr" else "en"
    return page(
        request,
        "sign_in_link.html",
        language,
        title=i18n.text("sign_in_title", language),
        email=user.email,
        action=f"/console/sign-in/{link.id}",
        token=token,
    )


@router.post("/console/sign-in/{link_id}", response_model=None)
async def sign_in(
    request: Request, session: SessionDep, settings: SettingsDep, link_id: str
) -> Response:
    token = (await form_of(request, "token")).get("token", "")[:100]
    try:
        opened = service.open_session(
            session, link_id, token, request.headers.get("user-agent", ""), settings
        )
    except (NotFound, Gone) as error:
        return link_refused(request, browser_language(request, None), error)
    answer = RedirectResponse("/console", status_code=303)
    answer.set_cookie(
        COOKIE,
        opened.cookie,
        max_age=settings.console_session_max_days * 86_400,
        path="/",
        httponly=True,
        secure=secure_cookie(settings),
        samesite="lax",
    )
    return answer


@router.get("/console/sessions", response_model=None)
def sessions(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    if viewer is None:
        return to_sign_in()
    return page(
        request,
        "sessions.html",
        viewer.language,
        viewer,
        title=i18n.text("sessions", viewer.language),
        sessions=service.sessions_of(session, viewer.user.id),
    )


@router.post("/console/sessions/{session_id}/end", response_model=None)
async def end_session(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    session_id: str,
) -> Response:
    if viewer is None:
        return to_sign_in()
    if not await csrf_holds(request, settings, viewer):
        return forbidden_form(request, viewer)
    try:
        service.end_session(session, viewer.user.id, session_id)
    except NotFound:
        return page(
            request,
            "message.html",
            viewer.language,
            viewer,
            status=404,
            title=i18n.text("not_found", viewer.language),
            message=i18n.text("not_found", viewer.language),
        )
    ended_own = session_id == viewer.session.id
    return RedirectResponse("/console/sign-in" if ended_own else "/console/sessions", 303)


@router.post("/console/sign-out", response_model=None)
async def sign_out(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    if viewer is None:
        return to_sign_in()
    if not await csrf_holds(request, settings, viewer):
        return forbidden_form(request, viewer)
    service.end_session(session, viewer.user.id, viewer.session.id)
    answer = to_sign_in()
    answer.delete_cookie(COOKIE, path="/")
    return answer


def refused(request: Request, viewer: Viewer, status: int, key: str) -> HTMLResponse:
    return page(
        request,
        "message.html",
        viewer.language,
        viewer,
        status=status,
        title=i18n.text("error_title", viewer.language, title=i18n.text(key, viewer.language)),
        message=i18n.text(key + "_message", viewer.language),
    )


def consent_filter(consent: str) -> SupporterFilter:
    return SupporterFilter({"yes": True, "no": False}.get(consent))


ConsentQuery = Annotated[str, Query(pattern="^(all|yes|no)$")]


def campaign_or_refusal(
    request: Request, session: Session, viewer: Viewer, campaign_id: str
) -> Campaign | HTMLResponse:
    """The viewer's organisation's campaign, or the 404 page (another organisation's
    campaign is one that does not exist)."""
    try:
        return get_campaign(session, viewer.user.organisation_id, campaign_id[:80])
    except NotFound:
        return refused(request, viewer, 404, "not_found")


def campaign_with_people(
    request: Request, session: Session, viewer: Viewer, campaign_id: str
) -> Campaign | HTMLResponse:
    """The organisation's campaign whose supporters the viewer may see, or the page that
    says why not (403 for a role without personal data, 404 for no such campaign)."""
    if not may_see_personal_data(viewer.user.role):
        return refused(request, viewer, 403, "personal_data")
    return campaign_or_refusal(request, session, viewer, campaign_id)


@router.get("/console/campaigns/{campaign_id}/supporters", response_model=None)
def campaign_supporters(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    campaign_id: str,
    consent: ConsentQuery = "all",
) -> Response:
    """A campaign's supporters (owners and editors): the newest, filtered by consent."""
    if viewer is None:
        return to_sign_in()
    campaign = campaign_with_people(request, session, viewer, campaign_id)
    if isinstance(campaign, Response):
        return campaign
    shown, total, letters = supporters.newest_supporters(
        session, viewer.user.organisation_id, campaign.id, consent_filter(consent)
    )
    row = campaign_row(campaign, viewer.language)
    return page(
        request,
        "supporters.html",
        viewer.language,
        viewer,
        title=i18n.text("supporters_of", viewer.language, title=row["title"]),
        campaign=campaign,
        consent=consent,
        shown=shown,
        total=total,
        letters=letters,
    )


@router.get("/console/campaigns/{campaign_id}/supporters.csv", response_model=None)
def campaign_supporters_csv(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    campaign_id: str,
    consent: ConsentQuery = "yes",
) -> Response:
    """The opt-in list (consent=yes by default) as CSV, every matching supporter."""
    if viewer is None:
        return to_sign_in()
    campaign = campaign_with_people(request, session, viewer, campaign_id)
    if isinstance(campaign, Response):
        return campaign
    lines = supporters.csv_lines(
        session, viewer.user.organisation_id, campaign.id, consent_filter(consent)
    )
    name = f"{campaign.slug}-supporters-{consent}.csv"
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/console/supporters", response_model=None)
def one_supporter(request: Request, viewer: ViewerDep) -> Response:
    """Export or erase what the organisation holds on one person, by email address."""
    if viewer is None:
        return to_sign_in()
    if not may_see_personal_data(viewer.user.role):
        return refused(request, viewer, 403, "personal_data")
    return page(
        request,
        "person.html",
        viewer.language,
        viewer,
        title=i18n.text("one_person", viewer.language),
    )


@router.get("/console/supporters/export", response_model=None)
def export_one_supporter(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    email: Annotated[str, Query(max_length=320)],
) -> Response:
    """The same document as GET /v1/constituents/export, as a download."""
    if viewer is None:
        return to_sign_in()
    if not may_see_personal_data(viewer.user.role):
        return refused(request, viewer, 403, "personal_data")
    document = constituents.export(session, viewer.user.organisation_id, email.strip())
    return Response(
        document.model_dump_json(indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="supporter-export.json"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/console/supporters/erase", response_model=None)
async def erase_one_supporter(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """As DELETE /v1/constituents: their details and words everywhere, letters not yet
    sent cancelled; counts and states stay."""
    if viewer is None:
        return to_sign_in()
    form = await form_of(request, "email")
    if not service.csrf_holds(settings, viewer.session.id, form.get("csrf", "")):
        return forbidden_form(request, viewer)
    if not may_see_personal_data(viewer.user.role):
        return refused(request, viewer, 403, "personal_data")
    email = form.get("email", "").strip()[:320]
    if "@" not in email:
        return page(
            request,
            "person.html",
            viewer.language,
            viewer,
            status=422,
            title=i18n.text("one_person", viewer.language),
            error=i18n.text("email_invalid", viewer.language),
            email=email,
        )
    erased = constituents.erase(session, viewer.user.organisation_id, email, settings)
    return page(
        request,
        "person.html",
        viewer.language,
        viewer,
        title=i18n.text("one_person", viewer.language),
        erased=erased,
        email=email,
    )


RESULT_SORTS = {"letters": lambda row: (-row.letters, row.name), "name": lambda row: row.name}


@router.get("/console/campaigns/{campaign_id}/results", response_model=None)
def campaign_results(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    campaign_id: str,
    sort: Annotated[str, Query(pattern="^(letters|name)$")] = "letters",
    replies_sort: Annotated[str, Query(alias="replies", pattern="^(sent|office|rate)$")] = "sent",
) -> Response:
    """The figures of GET /v1/campaigns/{id}/results and of .../responsiveness (replies
    per office), as a page (every role: counts and officials, no supporter)."""
    if viewer is None:
        return to_sign_in()
    campaign = campaign_or_refusal(request, session, viewer, campaign_id)
    if isinstance(campaign, HTMLResponse):
        return campaign
    figures = results(session, campaign)
    figures.by_recipient.sort(key=RESULT_SORTS[sort])
    answered = responsiveness(session, campaign)
    row = campaign_row(campaign, viewer.language)
    return page(
        request,
        "results.html",
        viewer.language,
        viewer,
        title=i18n.text("results_of", viewer.language, title=row["title"]),
        campaign=campaign,
        figures=figures,
        sort=sort,
        replies_sort=replies_sort,
        overall=replies.reply_row("", [], answered.overall, viewer.language),
        reply_rows=replies.reply_rows(answered.offices, replies_sort, viewer.language),
        per_day=[{"day": d.day.isoformat(), "actions": d.actions} for d in figures.actions_per_day],
    )
