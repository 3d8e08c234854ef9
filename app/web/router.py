"""The public action pages: HTML for supporters, served from the same service as the API.

`/c/{slug}` is the campaign's page; `/embed/c/{slug}` is the same form without the
site's header and footer, for a partner's iframe. Both work with JavaScript off (the
form posts to the page, which answers the thank-you page or itself with the errors
beside their fields); with it, the page's script asks `/c/{slug}/targets` for the
supporter's MP as the postal code is typed and `/c/{slug}/preview` for the letters as
they will be sent. Every call goes through the letters service the JSON API uses."""

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.campaigns.service import live_campaign, published_campaign
from app.db import SessionDep
from app.directory.deps import DistrictProviderDep
from app.directory.lookup import DistrictProvider
from app.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    TooManyRequests,
    invalid_field,
)
from app.fields import normalise_postal_code, web_origin
from app.letters import service as letters
from app.letters import typos
from app.letters.schemas import ORIGIN_FIELDS, LetterRecipient, PreviewOut
from app.rate_limits import PageCallsByAddress, check_supporter_email, hold_past_address_limit
from app.responses import CAMPAIGN_CLOSED, NOT_FOUND, RATE_LIMITED
from app.settings import Settings
from app.tokens import letters_page_token
from app.web import i18n, service, thanks
from app.web.arrival import arrival_fields
from app.web.i18n import Language
from app.web.identity import identity_context
from app.web.schemas import EmailCheck, PageDistrict, PageDistricts, PageTargets

HERE = Path(__file__).parent
templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # campaign and supporter text is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
static_files = StaticFiles(directory=HERE / "static")

router = APIRouter(tags=["action pages"])

# Unbounded: an address that cannot be a campaign's is the HTML 404 page, as a missing one.
SlugPath = PathParam(description="The campaign's slug.")
LangQuery = Query(
    description="`en` or `fr`; by default the browser's language (Accept-Language) where "
    "the campaign speaks it, else the campaign's first language."
)
FORM_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        name: {"type": "string"}
                        for name in (*service.TEXT_FIELDS, "consent_to_contact", "intent")
                    },
                },
                "example": {
                    "first_name": "Amélie",
                    "last_name": "Tremblay",
                    "email": "amelie@example.org",
                    "street_address": "24 Rue Principale",
                    "city": "Edmonton",
                    "province": "AB",
                    "postal_code": "T5A 1B7",
                    "intro": "I am a nurse and I write to you from Edmonton.",
                    "consent_to_contact": "yes",
                },
            }
        },
    }
}


def html(description: str) -> dict[str, Any]:
    """A `responses` entry for a page."""
    page = {"schema": {"type": "string"}, "example": '<!doctype html>\n<html lang="en">…</html>'}
    return {"content": {"text/html": page}, "description": description}


PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: html("The page."),
    404: html("No live or closed campaign here."),
}
SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: html("A preview."),
    303: {
        "description": "Action taken: to the thank-you page, at an address of its own (or "
        "to the campaign's `thanks_redirect_url`)."
    },
    404: PAGE_RESPONSES[404],
    409: html("The campaign has closed: the page again, saying so."),
    422: html("The page again with each error beside its field, keeping what was typed."),
    429: html(
        "Too many actions from this address or for this email: the page again, saying when "
        "to try, with `Retry-After`."
    ),
}


async def form_of(request: Request) -> dict[str, str]:
    return service.parse_form(await request.body())


FormDep = Annotated[dict[str, str], Depends(form_of)]


async def email_form_of(request: Request) -> dict[str, str]:
    return service.parse_form(await request.body(), ("email",))


EmailFormDep = Annotated[dict[str, str], Depends(email_form_of)]
EMAIL_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "properties": {"email": {"type": "string"}}},
                "example": {"email": "amelie@gmial.com"},
            }
        },
    }
}


def security_headers(settings: Settings, embed: bool) -> dict[str, str]:
    """No inline script or style anywhere, so the CSP allows only our own files. Only the
    embed page may be framed, by whom the settings say; the page itself by nobody."""
    ancestors = settings.embed_frame_ancestors if embed else "'none'"
    headers = {
        "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
        "img-src 'self' https:; connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors}",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cache-Control": "no-store",  # counters move, and a posted page holds an address
    }
    if not embed:
        headers["X-Frame-Options"] = "DENY"
    return headers


def language_for(request: Request, languages: list[str], lang: str | None) -> Language:
    return i18n.page_language(languages, lang, request.headers.get("accept-language", "")[:500])


def page_urls(request: Request, slug: str, language: Language, embed: bool) -> dict[str, str]:
    base = f"/embed/c/{slug}" if embed else f"/c/{slug}"
    settings: Settings = request.app.state.settings
    share = f"{settings.public_url.rstrip('/')}/c/{slug}" + ("?lang=fr" if language == "fr" else "")
    return {
        "page": f"{base}?lang={language}",
        "other_language": f"{base}?lang={'en' if language == 'fr' else 'fr'}",
        "targets": f"/c/{slug}/targets",
        "districts": f"/c/{slug}/districts",
        "email_check": f"/c/{slug}/email-check?lang={language}",
        "preview": f"/c/{slug}/preview?lang={language}",
        "share": share,
    }


def common_context(
    request: Request, session: Session, campaign: Campaign, language: Language, embed: bool
) -> dict[str, Any]:
    def t(key: str, **values: object) -> str:
        return i18n.text(key, language, **values)

    # Read from the campaign itself (as the public stats are), so a draft's preview shows it.
    shown = campaign.action_count + campaign.counter_offset
    urls = page_urls(request, campaign.slug, language, embed)
    return {
        "t": t,
        "show_counter": shown >= campaign.counter_hidden_below,
        "lang": language,
        "bilingual": len(campaign.languages) > 1,
        "embed": embed,
        "title": campaign.title[language],
        "summary": campaign.summary.get(language, ""),
        "counter": i18n.counter(shown, language),
        "actions": shown,
        "goal": campaign.goal,
        "goal_text": t("goal", goal=i18n.number(campaign.goal, language)) if campaign.goal else "",
        "urls": urls,
    } | identity_context(session, campaign, language, embed, urls["share"])


def render_page(
    request: Request,
    session: Session,
    campaign: Campaign,
    provider: DistrictProvider,
    language: Language,
    embed: bool,
    *,
    form: dict[str, str] | None = None,
    errors: service.FormErrors | None = None,
    preview: PreviewOut | None = None,
    status: int = 200,
    look_up: bool = True,
    draft: bool = False,
    searched: bool = False,
) -> HTMLResponse:
    form = form or {}
    errors = errors or service.FormErrors()
    closed = campaign.status == "closed"
    # Without a postal code, only the role holders are named: no lookup is made.
    where = form if look_up else form | {"postal_code": "", "district": ""}
    targets = (
        service.targets_of(session, campaign, provider, where, language) if not closed else None
    )
    districts = errors.districts or (targets.districts if targets else [])
    choosing = bool(targets and targets.choose_district)
    choices = district_choices(session, campaign, form, language) if choosing else []
    values = {
        "subject": campaign.subject.get(language, ""),
        "concern": campaign.concern.get(language, ""),
        "ask": campaign.ask.get(language, ""),
    } | form
    context = common_context(request, session, campaign, language, embed) | {
        "closed": closed,
        "guidance": campaign.guidance.get(language, ""),
        "concern_text": campaign.concern.get(language, ""),
        "ask_text": campaign.ask.get(language, ""),
        "writable": service.writable_parts(campaign),
        "subject_editable": campaign.subject_editable,
        "must_write": campaign.must_write,
        "has_own_mp": any(target["type"] == "own_mp" for target in campaign.targets),
        "targets": targets,
        "districts": districts,
        "choosing": choosing,
        "choices": choices,
        "searched": searched,
        "search_max": service.SEARCH_MAX,
        "email_suggestion": typos.suggest_email(form.get("email", "")),
        "provinces": service.province_choices(language),
        "values": values,
        "arrival_fields": ORIGIN_FIELDS,
        "errors": errors.messages,
        "form_level": service.FORM_LEVEL,
        "max_lengths": i18n.MAX_LENGTHS,
        "number": lambda value: i18n.number(value, language),
        "preview": service.preview_view(preview, campaign, language) if preview else None,
        "draft_preview": draft,
    }
    if errors.messages:  # the title is the first thing a screen reader says of a page
        context["document_title"] = i18n.text(
            "error_title", language, title=campaign.title[language]
        )
    headers = security_headers(request.app.state.settings, embed)
    if draft:  # its address is a key holder's: kept out of indexes and Referer headers
        headers |= {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
    return templates.TemplateResponse(
        request, "campaign.html", context, status_code=status, headers=headers
    )


def district_choices(
    session: Session, campaign: Campaign, form: dict[str, str], language: Language
) -> list[PageDistrict]:
    """The districts found by the words the supporter searched, with the one they chose
    kept first even when their words have changed since."""
    words = form.get("district_search", "").strip()[: service.SEARCH_MAX]
    found = service.district_choices(session, campaign, words, language) if len(words) >= 2 else []
    chosen = form.get("district", "")
    if chosen and all(choice.name != chosen for choice in found):
        kept = service.district_choices(session, campaign, chosen[: service.SEARCH_MAX], language)
        found = [choice for choice in kept if choice.name == chosen] + found
    return found


def render_thanks(
    request: Request,
    session: Session,
    campaign: Campaign,
    language: Language,
    embed: bool,
    shown: dict[str, Any],
) -> HTMLResponse:
    """The thank-you page, from what its sealed address holds (see `thanks`)."""
    settings: Settings = request.app.state.settings
    context = common_context(request, session, campaign, language, embed) | {
        "first_name": shown["first_name"],
        "email": shown["email"],
        "confirm": campaign.confirm_email,
        "next_step": shown.get("next_step"),  # the answer's, in messages.py's words
        "days": settings.confirmation_days,
        "letters_page": (
            f"/letters/{shown['letters_page']}?lang={language}" if shown.get("letters_page") else ""
        ),
        "held": any(thanks.held_until(letter) for letter in shown["letters"]),
        "letters": [
            {
                "recipient": service.page_recipient(
                    LetterRecipient(id=None, **letter["recipient"]), language
                ),
                "subject": letter["subject"],
                "channel": i18n.text(
                    "by_email" if letter["channel"] == "email" else "by_post", language
                ),
                "status": thanks.letter_state(
                    letter, shown.get("province", ""), language, bool(shown.get("letters_page"))
                ),
            }
            for letter in shown["letters"]
        ],
        "not_sent": shown.get("not_sent", []),
    }
    return templates.TemplateResponse(
        request, "thanks.html", context, headers=security_headers(settings, embed)
    )


def thanks_address(slug: str, language: Language, embed: bool, sealed: str) -> str:
    base = f"/embed/c/{slug}" if embed else f"/c/{slug}"
    return f"{base}/thanks/{sealed}?lang={language}"


def render_message(
    request: Request, key: str, title_key: str, language: Language, embed: bool, status: int
) -> HTMLResponse:
    context = {
        "t": lambda name, **values: i18n.text(name, language, **values),
        "lang": language,
        "embed": embed,
        "title": i18n.text(title_key, language),
        "message": i18n.text(key, language),
    }
    return templates.TemplateResponse(
        request,
        "message.html",
        context,
        status_code=status,
        headers=security_headers(request.app.state.settings, embed),
    )


def not_found_page(request: Request, lang: str | None, embed: bool) -> HTMLResponse:
    language = language_for(request, ["en", "fr"], lang)
    return render_message(request, "not_found", "not_found_title", language, embed, 404)


def show_page(
    request: Request,
    session: Session,
    provider: DistrictProvider,
    slug: str,
    lang: str | None,
    embed: bool,
) -> HTMLResponse:
    try:
        campaign = published_campaign(session, slug)
    except NotFound:
        return not_found_page(request, lang, embed)
    language = language_for(request, campaign.languages, lang)
    settings: Settings = request.app.state.settings
    arrived = arrival_fields(
        request.query_params,
        embed=embed,
        referer=request.headers.get("referer"),
        own_origins={web_origin(settings.public_url), web_origin(str(request.base_url))},
    )
    return render_page(request, session, campaign, provider, language, embed, form=arrived)


def submit_form(
    request: Request,
    session: Session,
    provider: DistrictProvider,
    slug: str,
    lang: str | None,
    form: dict[str, str],
    embed: bool,
) -> Response:
    """The form, posted: a preview when its Preview button sent it, else the action,
    taken by the one call to the letters service the JSON API makes."""
    try:
        campaign = live_campaign(session, slug)
    except NotFound:
        return not_found_page(request, lang, embed)
    except Conflict:
        campaign = published_campaign(session, slug)
        language = language_for(request, campaign.languages, lang)
        return render_page(
            request, session, campaign, provider, language, embed, form=form, status=409
        )
    language = language_for(request, campaign.languages, lang)
    try:
        # Counted as the JSON API's actions are, previews included: one limit per address,
        # past which the letters wait for confirmation by email.
        held = hold_past_address_limit(request)
        body = service.action_of(form, campaign, language)
        if form.get("intent") == "find_district":
            return find_district(request, session, campaign, provider, language, embed, form)
        if form.get("intent") == "preview":
            preview = letters.preview(session, campaign, body, provider)
            return render_page(
                request, session, campaign, provider, language, embed, form=form, preview=preview
            )
        suggested = typos.suggest_email(form.get("email", ""))
        if suggested and form.get("email_checked") != form.get("email"):
            # Asked once, without JavaScript too: Send again keeps the address as typed.
            message = i18n.text("email_typo", language, email=suggested)
            return render_page(
                request, session, campaign, provider, language, embed,
                form=form | {"email_checked": form.get("email", "")},
                errors=service.FormErrors({"email": message}), status=422,
            )  # fmt: skip
        if must_choose_district(session, campaign, provider, form, language):
            asked = service.FormErrors({"district_search": i18n.text("choose_mp_first", language)})
            return render_page(
                request, session, campaign, provider, language, embed,
                form=form | {"district_offered": "yes"}, errors=asked, status=422,
            )  # fmt: skip
        check_supporter_email(request, body.supporter.email)
        # Anonymous: a repeat is answered as a first action, with the thank-you page.
        action = letters.take_action(
            session,
            campaign,
            body,
            provider,
            request.app.state.settings,
            source="page",
            confirm_by_email=held,
        )
    except DomainError as error:
        session.rollback()
        errors = service.form_errors(error, form, language)
        # A client over its limit gets no lookup either (the page-call limit is theirs).
        page = render_page(
            request, session, campaign, provider, language, embed, form=form, errors=errors,
            status=error.status, look_up=not isinstance(error, TooManyRequests),
        )  # fmt: skip
        page.headers.update(error.headers or {})
        return page
    if campaign.thanks_redirect_url and not embed:  # the campaign's own thank-you page
        return RedirectResponse(campaign.thanks_redirect_url, status_code=303)
    # Post/Redirect/Get: a reload or Back shows the thank-you again, never posts again.
    settings: Settings = request.app.state.settings
    # Only where nothing waits for the address's owner: on a campaign that asks them to
    # confirm, the link comes by email (an answered repeat names no letters page).
    letters_page = "" if campaign.confirm_email else letters_page_token(settings, action.id)
    not_sent = [
        service.warning_message(warning, language)
        for warning in action.warnings
        if warning.part == "recipients"
    ]
    sealed = thanks.seal_thanks(settings, action, form, letters_page, not_sent)
    return RedirectResponse(thanks_address(slug, language, embed, sealed), status_code=303)


def find_district(
    request: Request,
    session: Session,
    campaign: Campaign,
    provider: DistrictProvider,
    language: Language,
    embed: bool,
    form: dict[str, str],
) -> HTMLResponse:
    """The page without JavaScript, its Find button pressed: the districts whose name or
    MP's name holds the words typed, to choose from. Nothing else is checked yet."""
    words = form.get("district_search", "").strip()
    form = form | {"district_offered": "yes"}
    if len(words) < service.SEARCH_MIN or len(words) > service.SEARCH_MAX:
        key, bound = ("search_too_short", service.SEARCH_MIN)
        if len(words) > service.SEARCH_MAX:
            key, bound = ("too_long", service.SEARCH_MAX)
        message = i18n.text(key, language, min=bound, max=bound)
        errors = service.FormErrors({"district_search": message})
        return render_page(
            request, session, campaign, provider, language, embed, form=form, errors=errors,
            status=422,
        )  # fmt: skip
    return render_page(
        request, session, campaign, provider, language, embed, form=form, searched=True
    )


def must_choose_district(
    session: Session,
    campaign: Campaign,
    provider: DistrictProvider,
    form: dict[str, str],
    language: Language,
) -> bool:
    """A postal code no table knows, on a campaign that writes to the supporter's MP, sent
    before the page could offer the choice of district (without JavaScript, the page
    learns it only now): the page asks once, and a second Send goes without."""
    if form.get("district") or form.get("district_offered") == "yes":
        return False
    if not any(target["type"] == "own_mp" for target in campaign.targets):
        return False
    return service.targets_of(session, campaign, provider, form, language).choose_district


def show_thanks(
    request: Request, session: Session, slug: str, sealed: str, lang: str | None, embed: bool
) -> HTMLResponse:
    try:
        campaign = published_campaign(session, slug)
    except NotFound:
        return not_found_page(request, lang, embed)
    language = language_for(request, campaign.languages, lang)
    shown = thanks.open_thanks(request.app.state.settings, sealed)
    if shown is None:
        return render_message(request, "thanks_gone", "thanks_gone_title", language, embed, 404)
    return render_thanks(request, session, campaign, language, embed, shown)


@router.get("/c/{slug}", response_class=HTMLResponse, responses=PAGE_RESPONSES)
def campaign_page(
    request: Request,
    session: SessionDep,
    provider: DistrictProviderDep,
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> HTMLResponse:
    """Public: the campaign's action page, in English or French."""
    return show_page(request, session, provider, slug, lang, embed=False)


@router.post(
    "/c/{slug}", response_class=HTMLResponse, responses=SUBMIT_RESPONSES, openapi_extra=FORM_BODY
)
def submit_campaign_form(
    request: Request,
    session: SessionDep,
    provider: DistrictProviderDep,
    form: FormDep,
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> Response:
    """Public: the action page's form (application/x-www-form-urlencoded); takes action as
    `POST /v1/campaigns/{slug}/actions` does and answers 303 to the thank-you page, or
    with `intent=preview` shows the letters."""
    return submit_form(request, session, provider, slug, lang, form, embed=False)


@router.get("/embed/c/{slug}", response_class=HTMLResponse, responses=PAGE_RESPONSES)
def embedded_campaign_page(
    request: Request,
    session: SessionDep,
    provider: DistrictProviderDep,
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> HTMLResponse:
    """Public: the action page's form alone, for a partner's iframe."""
    return show_page(request, session, provider, slug, lang, embed=True)


@router.post(
    "/embed/c/{slug}",
    response_class=HTMLResponse,
    responses=SUBMIT_RESPONSES,
    openapi_extra=FORM_BODY,
)
def submit_embedded_form(
    request: Request,
    session: SessionDep,
    provider: DistrictProviderDep,
    form: FormDep,
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> Response:
    """Public: the embedded form, posted; as `POST /c/{slug}`."""
    return submit_form(request, session, provider, slug, lang, form, embed=True)


ThanksPath = PathParam(max_length=8000, description="The sealed address the form answered.")
THANKS_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: html("The thank-you page: the supporter's letters, what happens next, sharing."),
    404: html("No such campaign, or an address we did not make (or older than 30 days)."),
}


@router.get("/c/{slug}/thanks/{sealed}", response_class=HTMLResponse, responses=THANKS_RESPONSES)
def thanks_page(
    request: Request,
    session: SessionDep,
    slug: str = SlugPath,
    sealed: str = ThanksPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> HTMLResponse:
    """Public: the thank-you page the form's POST redirects to; reloading it is harmless."""
    return show_thanks(request, session, slug, sealed, lang, embed=False)


@router.get(
    "/embed/c/{slug}/thanks/{sealed}", response_class=HTMLResponse, responses=THANKS_RESPONSES
)
def embedded_thanks_page(
    request: Request,
    session: SessionDep,
    slug: str = SlugPath,
    sealed: str = ThanksPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> HTMLResponse:
    """Public: the embedded form's thank-you page."""
    return show_thanks(request, session, slug, sealed, lang, embed=True)


@router.get(
    "/c/{slug}/targets",
    response_model=PageTargets,
    responses=NOT_FOUND | CAMPAIGN_CLOSED | RATE_LIMITED,
)
def page_targets(
    request: Request,
    _: PageCallsByAddress,
    session: SessionDep,
    provider: DistrictProviderDep,
    postal_code: Annotated[str, Query(max_length=10, description="As typed, e.g. t5a1b7.")],
    slug: str = SlugPath,
    district: Annotated[str | None, Query(max_length=300)] = None,
    lang: Annotated[str | None, LangQuery] = None,
) -> PageTargets:
    """Public: who a supporter at this postal code writes to on this campaign, named for
    the action page (the page's script asks as the postal code is typed)."""
    campaign = live_campaign(session, slug)
    language = language_for(request, campaign.languages, lang)
    try:
        normalise_postal_code(postal_code)
    except ValueError:
        raise invalid_field(
            "postal_code", i18n.text("postal_code_invalid", language), where="query"
        ) from None
    form = {"postal_code": postal_code, "district": district or ""}
    return service.targets_of(session, campaign, provider, form, language)


@router.get(
    "/c/{slug}/districts",
    response_model=PageDistricts,
    responses=NOT_FOUND | CAMPAIGN_CLOSED | RATE_LIMITED,
)
def page_districts(
    request: Request,
    _: PageCallsByAddress,
    session: SessionDep,
    q: Annotated[
        str,
        Query(
            min_length=service.SEARCH_MIN,
            max_length=service.SEARCH_MAX,
            description="Words of a district's or an MP's name, e.g. `labrador` or `earle`.",
        ),
    ],
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> PageDistricts:
    """Public: the districts a supporter may choose when no table knows their postal
    code (`choose_district` in `/c/{slug}/targets`), each naming its MPs, in the page's
    language; the page's script asks as the words are typed."""
    campaign = live_campaign(session, slug)
    language = language_for(request, campaign.languages, lang)
    return PageDistricts(q=q, districts=service.district_choices(session, campaign, q, language))


@router.post(
    "/c/{slug}/email-check",
    response_model=EmailCheck,
    openapi_extra=EMAIL_FORM,
    responses=NOT_FOUND | CAMPAIGN_CLOSED | RATE_LIMITED,
)
def page_email_check(
    request: Request,
    _: PageCallsByAddress,
    session: SessionDep,
    form: EmailFormDep,
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> EmailCheck:
    """Public: "did you mean …?" for an email address whose domain is one slip from a
    common one (`gmial.com`), in the page's language; the page's script asks as the
    address is typed. A suggestion, never a refusal. Posted, so that no address is
    written in a URL."""
    campaign = live_campaign(session, slug)
    language = language_for(request, campaign.languages, lang)
    suggested = typos.suggest_email(form.get("email", ""))
    message = i18n.text("email_suggestion", language, email=suggested) if suggested else None
    return EmailCheck(suggestion=suggested, message=message)


@router.post(
    "/c/{slug}/preview",
    response_model=PreviewOut,
    openapi_extra=FORM_BODY,
    responses=NOT_FOUND | CAMPAIGN_CLOSED | RATE_LIMITED,
)
def page_preview(
    request: Request,
    _: PageCallsByAddress,
    session: SessionDep,
    provider: DistrictProviderDep,
    form: FormDep,
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> PreviewOut:
    """Public: the letters the action page's form would send, exactly, with the quality
    warnings in the page's language; nothing is stored."""
    campaign = live_campaign(session, slug)
    language = language_for(request, campaign.languages, lang)
    try:
        body = service.action_of(form, campaign, language)
        preview = letters.preview(session, campaign, body, provider)
    except (InvalidInput, Conflict) as error:
        found = service.form_errors(error, form, language)
        raise InvalidInput(
            error.detail,
            errors=[
                {"field": name, "in": "body", "message": message}
                for name, message in found.messages.items()
            ],
            candidates=found.districts,
        ) from error
    return PreviewOut(
        letters=preview.letters,
        warnings=[
            service.warning_for_page(warning, campaign, language) for warning in preview.warnings
        ],
    )
