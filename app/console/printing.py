"""Print batches in the console: the queued letters by post gathered into a batch (the
worker builds its PDF and manifest, as for POST /v1/print-batches), its files downloaded,
and the batch marked mailed, which moves its letters to `mailed` (app.delivery.printing).
Viewers look; owners and editors make and mark. The batch's PDF holds supporters' names
and addresses, so only the roles that may see personal data download it."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.console import i18n
from app.console.roles import may_change_campaigns, may_see_personal_data
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
from app.console.service import csrf_holds
from app.db import SessionDep, utcnow
from app.delivery import printing
from app.delivery.models import PrintBatch
from app.errors import Conflict, Gone, InvalidInput, NotFound, UpstreamUnavailable
from app.letters.lifecycle import LetterStatus
from app.letters.models import Letter
from app.pagination import ListWindow
from app.settings import SettingsDep

router = APIRouter(include_in_schema=False)
SHOWN = 50


def queued_print_letters(session: Session, organisation_id: str) -> int:
    return (
        session.scalar(
            select(func.count()).where(
                Letter.organisation_id == organisation_id,
                Letter.channel == "print",
                Letter.status == LetterStatus.QUEUED,
            )
        )
        or 0
    )


def _batches_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    status: int = 200,
    error: str = "",
) -> Response:
    organisation_id = viewer.user.organisation_id
    batches = printing.list_print_batches(
        session, organisation_id, ListWindow(limit=SHOWN, order="desc")
    ).items
    campaigns = session.scalars(
        select(Campaign)
        .where(Campaign.organisation_id == organisation_id)
        .order_by(Campaign.created_at.desc())
    ).all()
    return page(
        request,
        "print_batches.html",
        viewer.language,
        viewer,
        status=status,
        title=i18n.text("print_batches", viewer.language),
        batches=batches,
        queued=queued_print_letters(session, organisation_id),
        campaigns=[campaign_row(c, viewer.language) for c in campaigns],
        titles={c.id: campaign_row(c, viewer.language)["title"] for c in campaigns},
        may_change=may_change_campaigns(viewer.user.role),
        building=any(batch.status == "building" for batch in batches),
        error=error,
    )


@router.get("/console/print", response_model=None)
def print_batches(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The organisation's newest batches and how many letters wait for the next one."""
    if viewer is None:
        return to_sign_in()
    return _batches_page(request, session, viewer)


@router.post("/console/print", response_model=None)
async def make_batch(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Gathers the letters now; the worker builds the files (the batch's page refreshes
    until it is ready)."""
    if viewer is None:
        return to_sign_in()
    form = await form_of(request, "campaign_id", "duplex")
    if not csrf_holds(settings, viewer.session.id, form.get("csrf", "")):
        return forbidden_form(request, viewer)
    if not may_change_campaigns(viewer.user.role):
        return refused(request, viewer, 403, "viewer_cannot")
    campaign_id = form.get("campaign_id", "")[:40] or None
    try:
        batch = printing.create_print_batch(
            session,
            viewer.user.organisation_id,
            campaign_id,
            settings,
            duplex=form.get("duplex") == "yes",
        )
    except NotFound:
        return refused(request, viewer, 404, "not_found")
    except InvalidInput:
        session.rollback()
        message = i18n.text("nothing_to_print", viewer.language)
        return _batches_page(request, session, viewer, status=422, error=message)
    except UpstreamUnavailable:
        message = i18n.text("print_folder_unwritable", viewer.language)
        return _batches_page(request, session, viewer, status=503, error=message)
    return RedirectResponse(f"/console/print/{batch.id}", status_code=303)


def _batch_or_404(
    request: Request, session: Session, viewer: Viewer, batch_id: str
) -> PrintBatch | Response:
    try:
        return printing.get_print_batch(session, viewer.user.organisation_id, batch_id[:40])
    except NotFound:
        return refused(request, viewer, 404, "not_found")


def _batch_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    batch: PrintBatch,
    status: int = 200,
    error: str = "",
    mailed_on: str = "",
) -> Response:
    campaign = session.get(Campaign, batch.campaign_id) if batch.campaign_id else None
    return page(
        request,
        "print_batch.html",
        viewer.language,
        viewer,
        status=status,
        title=i18n.text("print_batch", viewer.language, created=batch.created_at.date()),
        batch=batch,
        campaign_title=campaign_row(campaign, viewer.language)["title"] if campaign else "",
        may_change=may_change_campaigns(viewer.user.role),
        may_download_pdf=may_see_personal_data(viewer.user.role),
        today=utcnow().date().isoformat(),  # the day mark_mailed compares with
        mailed_on=mailed_on or utcnow().date().isoformat(),
        error=error,
    )


@router.get("/console/print/{batch_id}", response_model=None)
def print_batch(
    request: Request, session: SessionDep, viewer: ViewerDep, batch_id: str
) -> Response:
    """One batch: building (the page refreshes itself), ready (its files, and the form
    that marks it mailed), mailed, or failed with its reason."""
    if viewer is None:
        return to_sign_in()
    batch = _batch_or_404(request, session, viewer, batch_id)
    if isinstance(batch, Response):
        return batch
    return _batch_page(request, session, viewer, batch)


def _file(
    request: Request,
    session: Session,
    settings: SettingsDep,
    viewer: Viewer,
    batch_id: str,
    which: str,
) -> Response:
    batch = _batch_or_404(request, session, viewer, batch_id)
    if isinstance(batch, Response):
        return batch
    try:
        pdf, manifest = printing.batch_files(
            session, viewer.user.organisation_id, batch.id, settings
        )
    except Conflict:
        return refused(request, viewer, 409, "batch_no_files")
    except Gone:
        return refused(request, viewer, 410, "batch_files_gone")
    if which == "pdf":
        return FileResponse(pdf, media_type="application/pdf", filename=f"{batch.id}.pdf")
    return FileResponse(manifest, media_type="text/csv; charset=utf-8", filename=f"{batch.id}.csv")


@router.get("/console/print/{batch_id}/pdf", response_model=None)
def print_batch_pdf(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    batch_id: str,
) -> Response:
    if viewer is None:
        return to_sign_in()
    if not may_see_personal_data(viewer.user.role):
        return refused(request, viewer, 403, "personal_data")
    return _file(request, session, settings, viewer, batch_id, "pdf")


@router.get("/console/print/{batch_id}/manifest.csv", response_model=None)
def print_batch_manifest(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    batch_id: str,
) -> Response:
    if viewer is None:
        return to_sign_in()
    return _file(request, session, settings, viewer, batch_id, "manifest")


@router.post("/console/print/{batch_id}/mailed", response_model=None)
async def mark_mailed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    batch_id: str,
) -> Response:
    """As POST /v1/print-batches/{id}/mark-mailed, with the day it went to the post."""
    if viewer is None:
        return to_sign_in()
    form = await form_of(request, "mailed_on")
    if not csrf_holds(settings, viewer.session.id, form.get("csrf", "")):
        return forbidden_form(request, viewer)
    if not may_change_campaigns(viewer.user.role):
        return refused(request, viewer, 403, "viewer_cannot")
    batch = _batch_or_404(request, session, viewer, batch_id)
    if isinstance(batch, Response):
        return batch
    given = form.get("mailed_on", "").strip()[:20]
    try:
        mailed_on = date.fromisoformat(given) if given else None
        printing.mark_mailed(session, viewer.user.organisation_id, batch.id, mailed_on)
    except (ValueError, InvalidInput):
        session.rollback()
        message = i18n.text("mailed_on_invalid", viewer.language)
        return _batch_page(
            request, session, viewer, batch, status=422, error=message, mailed_on=given
        )
    except Conflict:
        session.rollback()
        message = i18n.text("batch_not_ready", viewer.language)
        return _batch_page(request, session, viewer, batch, status=409, error=message)
    return RedirectResponse(f"/console/print/{batch.id}", status_code=303)
