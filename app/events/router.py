"""The console's pages for letter-writing events (owners, editors and advocates; see
console.roles): the events, one event's attendee form (sized for a tablet), its CSV
upload (checked, then applied whole), its kit and what was mailed. The attendee form
takes an action through the same letters service as the API and the action page, so
every quality check applies; its errors are shown beside their fields as the action
page shows them."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.console import i18n
from app.console import service as console
from app.console.roles import may_run_events
from app.console.router import (
    Viewer,
    ViewerDep,
    campaign_row,
    forbidden_form,
    form_of,
    page,
    refused,
    to_sign_in,
)
from app.db import SessionDep
from app.directory.deps import DistrictProviderDep
from app.directory.lookup import DistrictProvider
from app.errors import DomainError, DuplicateAction, InvalidInput, NotFound
from app.events import attendees, kit, service
from app.events.models import Event
from app.letters.schemas import ActionOut
from app.settings import Settings, SettingsDep
from app.web import service as page_service
from app.web.i18n import Language
from app.web.i18n import text as page_text

router = APIRouter(include_in_schema=False)

EVENT_FIELDS = ("campaign_id", "name", "place", "held_on")
ATTENDEE_FIELDS = (*page_service.TEXT_FIELDS, "language", "consent_to_contact")
CSV_MAX_BYTES = 1_000_000


def event_runner(request: Request, viewer: Viewer | None) -> Viewer | Response:
    """The signed-in viewer if their role runs events; else the sign-in page or a 403."""
    if viewer is None:
        return to_sign_in()
    if not may_run_events(viewer.user.role):
        return refused(request, viewer, 403, "events_forbidden")
    return viewer


def own_event(
    request: Request, session: Session, viewer: Viewer, event_id: str
) -> Event | Response:
    try:
        return service.get_event(session, viewer.user.organisation_id, event_id)
    except NotFound:
        return refused(request, viewer, 404, "not_found")


def event_of_runner(
    request: Request, session: Session, viewer: Viewer | None, event_id: str
) -> tuple[Viewer, Event] | Response:
    """Who runs events and their organisation's event, or the page that says why not
    (sign in; 403 for a role that runs none; 404 for another organisation's event)."""
    runner = event_runner(request, viewer)
    if isinstance(runner, Response):
        return runner
    event = own_event(request, session, runner, event_id)
    return event if isinstance(event, Response) else (runner, event)


def event_form_holds(
    request: Request,
    session: Session,
    settings: Settings,
    viewer: Viewer | None,
    event_id: str,
    form: dict[str, str],
) -> tuple[Viewer, Event] | Response:
    """As `event_of_runner`, for a form: its CSRF token is checked first (403)."""
    runner = event_runner(request, viewer)
    if isinstance(runner, Response):
        return runner
    if not console.csrf_holds(settings, runner.session.id, form.get("csrf", "")):
        return forbidden_form(request, runner)
    return event_of_runner(request, session, runner, event_id)


def field_messages(error: DomainError, language: Language) -> dict[str, str]:
    """An event form's errors by field, in the console's language."""
    return {
        str(entry.get("field")): i18n.text("event_" + str(entry.get("code")), language)
        for entry in error.errors or []
    }


@router.get("/console/events", response_model=None)
def events_page(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    runner = event_runner(request, viewer)
    if isinstance(runner, Response):
        return runner
    return events_list(request, session, runner)


def events_list(
    request: Request,
    session: Session,
    viewer: Viewer,
    status: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    organisation_id = viewer.user.organisation_id
    campaigns = service.live_campaigns(session, organisation_id)
    titles = {c.id: campaign_row(c, viewer.language)["title"] for c in campaigns}
    events = service.events_of(session, organisation_id)
    return page(
        request,
        "event_list.html",
        viewer.language,
        viewer,
        status=status,
        title=i18n.text("events", viewer.language),
        campaigns=[(c.id, titles[c.id]) for c in campaigns],
        events=events,
        titles=titles | all_titles(session, events, viewer.language),
        form=form or {"held_on": date.today().isoformat()},
        errors=errors or {},
    )


def all_titles(session: Session, events: list[Event], language: Language) -> dict[str, str]:
    """Campaign titles of the events listed (a closed campaign's too)."""
    ids = {event.campaign_id for event in events}
    return {
        campaign_id: campaign_row(session.get_one(Campaign, campaign_id), language)["title"]
        for campaign_id in ids
    }


@router.post("/console/events", response_model=None)
async def create_event(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    form = await form_of(request, *EVENT_FIELDS)
    runner = event_runner(request, viewer)
    if isinstance(runner, Response):
        return runner
    if not console.csrf_holds(settings, runner.session.id, form.get("csrf", "")):
        return forbidden_form(request, runner)
    details = service.EventDetails(**{name: form.get(name, "") for name in EVENT_FIELDS})
    try:
        event = service.create_event(session, runner.user.organisation_id, runner.user.id, details)
    except NotFound:
        errors = {"campaign_id": i18n.text("event_campaign_invalid", runner.language)}
        return events_list(request, session, runner, 422, form, errors)
    except InvalidInput as error:
        messages = field_messages(error, runner.language)
        return events_list(request, session, runner, 422, form, messages)
    return RedirectResponse(f"/console/events/{event.id}", status_code=303)


@router.get("/console/events/{event_id}", response_model=None)
def event_page(request: Request, session: SessionDep, viewer: ViewerDep, event_id: str) -> Response:
    held = event_of_runner(request, session, viewer, event_id)
    if isinstance(held, Response):
        return held
    runner, event = held
    entered = request.query_params.get("entered", "")[:3]
    return event_view(
        request, session, runner, event, entered=int(entered) if entered.isdigit() else None
    )


def event_view(
    request: Request,
    session: Session,
    viewer: Viewer,
    event: Event,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    language = viewer.language
    campaign = session.get_one(Campaign, event.campaign_id)
    defaults: dict[str, Any] = {
        "form": {"language": language},
        "errors": {},
        "entered": None,
        "checked": None,
        "csv_text": "",
        "mailed_error": "",
    }
    return page(
        request,
        "event.html",
        language,
        viewer,
        status=status,
        title=event.name,
        event=event,
        campaign=campaign,
        campaign_title=campaign_row(campaign, language)["title"],
        live=campaign.status == "live",
        figures=service.figures_of(session, event),
        writable=page_service.writable_parts(campaign),
        provinces=page_service.province_choices(language),
        languages=list(campaign.languages),
        page_text=lambda key, **more: page_text(key, language, **more),
        columns=attendees.COLUMNS,
        **(defaults | values),
    )


@router.post("/console/events/{event_id}/attendees", response_model=None)
async def enter_attendee(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    provider: DistrictProviderDep,
    viewer: ViewerDep,
    event_id: str,
) -> Response:
    """One attendee's action, as the action page takes one, marked assisted."""
    form = await form_of(request, *ATTENDEE_FIELDS)
    held = event_form_holds(request, session, settings, viewer, event_id, form)
    if isinstance(held, Response):
        return held
    runner, event = held
    try:
        taken = take_attendee_action(session, event, form, provider, settings)
    except DomainError as error:
        session.rollback()
        return event_view(
            request, session, runner, event, error.status,
            form=form, errors=attendee_errors(error, form, runner.language),
        )  # fmt: skip
    return RedirectResponse(
        f"/console/events/{event.id}?entered={len(taken.letters)}#attendee", status_code=303
    )


def take_attendee_action(
    session: Session,
    event: Event,
    form: dict[str, str],
    provider: DistrictProvider,
    settings: Settings,
) -> ActionOut:
    if form.get("consent_to_contact") not in ("yes", "no"):  # asked, never assumed
        raise InvalidInput(errors=[{"field": "consent_to_contact", "code": "consent_not_asked"}])
    campaign = service.live_campaign_of(session, event.organisation_id, event.campaign_id)
    chosen = form.get("language") if form.get("language") in campaign.languages else None
    letter_language: Language = "fr" if (chosen or campaign.languages[0]) == "fr" else "en"
    # A part the attendee may change but left empty is the campaign's own text.
    optional = set(page_service.writable_parts(campaign)) - set(campaign.must_write)
    given = {k: v for k, v in form.items() if k not in optional or v.strip()}
    body = page_service.action_of(given, campaign, letter_language)
    return service.enter_attendee(session, event, body, provider, settings)


def attendee_errors(error: DomainError, form: dict[str, str], language: Language) -> dict[str, str]:
    """The action page's messages beside the attendee form's fields."""
    if isinstance(error, DuplicateAction):
        return {"email": i18n.text("attendee_repeat", language)}
    if any(entry.get("code") == "consent_not_asked" for entry in error.errors or []):
        return {"consent_to_contact": i18n.text("consent_not_asked", language)}
    if isinstance(error, NotFound):
        return {"form": i18n.text("event_campaign_not_live", language)}
    return page_service.form_errors(error, form, language).messages


async def uploaded_csv(request: Request) -> dict[str, str]:
    """The upload form's fields, the file's text as `csv_text` (a file part, or the
    text a checked file came back with), or `error`."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except (MultiPartException, HTTPException):
        return {"error": "csv_unreadable"}
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(CSV_MAX_BYTES + 1)
        if len(raw) > CSV_MAX_BYTES:
            return values | {"error": "csv_too_big"}
        try:
            values["csv_text"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return values | {"error": "csv_not_utf8"}
    if not values.get("csv_text", "").strip():
        return values | {"error": "csv_empty"}
    return values


@router.post("/console/events/{event_id}/attendees.csv", response_model=None)
async def upload_attendees(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    provider: DistrictProviderDep,
    viewer: ViewerDep,
    event_id: str,
) -> Response:
    """`intent=check`: the dry run, nothing stored. `intent=apply`: checked again, then
    every row written, or none."""
    form = await uploaded_csv(request)
    held = event_form_holds(request, session, settings, viewer, event_id, form)
    if isinstance(held, Response):
        return held
    runner, event = held
    language = runner.language
    if "error" in form:
        errors = {"file": i18n.text(form["error"], language)}
        return event_view(request, session, runner, event, 422, errors=errors)
    text = form["csv_text"]
    try:
        if form.get("intent") == "apply":
            checked = attendees.apply_file(session, event, text, provider, settings, language)
        else:
            checked = attendees.check_file(session, event, text, provider, language)
    except NotFound:
        errors = {"file": i18n.text("event_campaign_not_live", language)}
        return event_view(request, session, runner, event, 409, errors=errors)
    applied = form.get("intent") == "apply" and not checked.errors
    return event_view(
        request, session, runner, event, 422 if checked.errors else 200,
        checked=checked, applied=applied, csv_text="" if applied else text,
    )  # fmt: skip


@router.post("/console/events/{event_id}/kit", response_model=None)
async def print_kit(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, event_id: str
) -> Response:
    """The event's letters written since the last kit join it (queued to printed)."""
    form = await form_of(request)
    held = event_form_holds(request, session, settings, viewer, event_id, form)
    if isinstance(held, Response):
        return held
    _, event = held
    service.print_kit(session, event)
    return RedirectResponse(f"/console/events/{event.id}#kit", status_code=303)


def pdf_answer(pdf: bytes, name: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/console/events/{event_id}/kit/{part}.pdf", response_model=None)
def kit_pdf(
    request: Request, session: SessionDep, viewer: ViewerDep, event_id: str, part: str
) -> Response:
    """The kit: `letters` (to sign by hand), `envelopes` (#10, same order), `count`."""
    held = event_of_runner(request, session, viewer, event_id)
    if isinstance(held, Response):
        return held
    runner, event = held
    if part not in ("letters", "envelopes", "count"):
        return refused(request, runner, 404, "not_found")
    letters = service.kit_letters(session, event)
    if part == "letters":
        return pdf_answer(kit.letters_pdf(letters), f"{event.id}-letters.pdf")
    if part == "envelopes":
        organisation = session.get_one(Organisation, event.organisation_id)
        sender = kit.return_address(organisation.name, organisation.contact_address)
        return pdf_answer(
            kit.envelopes_pdf(letters, sender, event.name), f"{event.id}-envelopes.pdf"
        )
    return pdf_answer(kit.count_sheet_pdf(letters, event, runner.language), f"{event.id}-count.pdf")


@router.post("/console/events/{event_id}/mailed", response_model=None)
async def record_mailed(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, event_id: str
) -> Response:
    form = await form_of(request, "mailed")
    held = event_form_holds(request, session, settings, viewer, event_id, form)
    if isinstance(held, Response):
        return held
    runner, event = held
    try:
        service.record_mailed(session, event, form.get("mailed", ""))
    except InvalidInput as error:
        message = i18n.text("mailed_invalid", runner.language, most=error.extra.get("most", 0))
        return event_view(request, session, runner, event, 422, mailed_error=message)
    return RedirectResponse(f"/console/events/{event.id}#mailed", status_code=303)
