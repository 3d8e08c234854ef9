"""The directory in the console: recipients browsed and searched, one edited (the fields
edited are locked against syncs, as a PATCH does), a file imported after its dry run is
shown as a diff, and the sync's status with a button that runs one.

An import is planned twice: once to show the diff (nothing written), once more when the
apply button is pressed, from the very file shown, which waits on the server under a
random token bound to the organisation (never a diff or a file sent back by the browser).
What the apply writes is planned afresh under the organisation's lock, as the API's
import is, so an edit made in between is neither lost nor overwritten unseen: the result
page says what was written."""

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from app.console import i18n
from app.console.roles import may_change_campaigns
from app.console.router import (
    Viewer,
    ViewerDep,
    forbidden_form,
    form_of,
    page,
    refused,
    to_sign_in,
)
from app.console.service import csrf_holds
from app.db import SessionDep
from app.directory import importer, service, sync
from app.directory.importer import ImportPlan
from app.directory.models import Recipient
from app.directory.schemas import RecipientUpdate, recipient_out
from app.errors import Conflict, DomainError, InvalidInput, NotFound, field_errors
from app.pagination import ListWindow
from app.settings import Settings, SettingsDep

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
# The fields the recipient's form edits (the rest, addresses and roles, come from files
# and syncs, or the API).
EDITABLE = (
    "honorific", "first_name", "last_name", "post_nominals", "language", "party",
    "elected_office", "email", "phone",
)  # fmt: skip
# Columns a diff does not show: bookkeeping, not what a person reads.
UNSHOWN = {"id", "search_key", "updated_at", "retired_at", "source", "district_key"}
IMPORT_HOURS = 2  # a dry run's file waits this long for its apply button
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


def may_change(viewer: Viewer) -> bool:
    return may_change_campaigns(viewer.user.role)


def problem(field_name: str, message: str, viewer: Viewer) -> dict[str, str]:
    """A field's error as the page shows it: in the user's language, with the checks'
    own words (English) kept as a detail, marked as English, on a French page."""
    if field_name == "email":
        return {"text": i18n.text("email_invalid", viewer.language), "detail": ""}
    if viewer.language == "en":
        return {"text": message, "detail": ""}
    return {"text": i18n.text("value_invalid", viewer.language), "detail": message}


@router.get("/console/directory", response_model=None)
def browse(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str, Query(max_length=400)] = "",
) -> Response:
    """Recipients, 50 a page, searched by words of the name."""
    if viewer is None:
        return to_sign_in()
    window = ListWindow(limit=PER_PAGE, cursor=cursor or None)
    filters = service.RecipientFilters(q=q.strip() or None)
    try:
        found = service.list_recipients(session, viewer.user.organisation_id, filters, window)
    except InvalidInput:  # a cursor that is not ours: the first page
        window = ListWindow(limit=PER_PAGE)
        found = service.list_recipients(session, viewer.user.organisation_id, filters, window)
        cursor = ""
    return page(
        request,
        "directory_list.html",
        viewer.language,
        viewer,
        title=i18n.text("directory", viewer.language),
        recipients=[recipient_out(r, with_roles=False) for r in found.items],
        q=q,
        next_cursor=found.next_cursor if found.has_more else "",
        paged=bool(cursor),
        may_change=may_change(viewer),
    )


def _recipient_or_404(
    request: Request, session: Session, viewer: Viewer, recipient_id: str
) -> Recipient | Response:
    try:
        return service.get_recipient(session, viewer.user.organisation_id, recipient_id[:40])
    except NotFound:
        return refused(request, viewer, 404, "not_found")


def _recipient_page(
    request: Request,
    viewer: Viewer,
    recipient: Recipient,
    status: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    given: dict[str, str] | None = None,
    saved: bool = False,
) -> Response:
    shown = recipient_out(recipient)
    values = {name: getattr(shown, name) or "" for name in EDITABLE} | (given or {})
    return page(
        request,
        "directory_recipient.html",
        viewer.language,
        viewer,
        status=status,
        title=shown.display_name,
        recipient=shown,
        values=values,
        editable=EDITABLE,
        locked=recipient.locked_fields or [],
        errors=errors or {},
        saved=saved,
        may_change=may_change(viewer),
    )


@router.get("/console/directory/recipients/{recipient_id}", response_model=None)
def one_recipient(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    recipient_id: str,
    saved: Annotated[bool, Query()] = False,
) -> Response:
    if viewer is None:
        return to_sign_in()
    recipient = _recipient_or_404(request, session, viewer, recipient_id)
    if isinstance(recipient, Response):
        return recipient
    return _recipient_page(request, viewer, recipient, saved=saved)


@router.post("/console/directory/recipients/{recipient_id}", response_model=None)
async def edit_recipient(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    recipient_id: str,
) -> Response:
    """As PATCH /v1/recipients/{id} with the fields the form changed (so only those are
    locked against syncs); a field left empty is cleared."""
    if viewer is None:
        return to_sign_in()
    form = await form_of(request, *EDITABLE)
    if not csrf_holds(settings, viewer.session.id, form.get("csrf", "")):
        return forbidden_form(request, viewer)
    if not may_change(viewer):
        return refused(request, viewer, 403, "viewer_cannot")
    recipient = _recipient_or_404(request, session, viewer, recipient_id)
    if isinstance(recipient, Response):
        return recipient
    given = {name: form.get(name, "").strip() for name in EDITABLE}
    current = recipient_out(recipient, with_roles=False)
    changed: dict[str, Any] = {
        name: value or None
        for name, value in given.items()
        if value != (getattr(current, name) or "")
    }
    try:
        fields = RecipientUpdate.model_validate(changed)
        service.update_recipient(session, viewer.user.organisation_id, recipient.id, fields)
    except ValidationError as error:
        errors = {
            e["field"]: problem(e["field"], e["message"], viewer)
            for e in field_errors(error.errors())
        }
        return _recipient_page(request, viewer, recipient, 422, errors, given)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        recipient = service.get_recipient(session, viewer.user.organisation_id, recipient.id)
        problems = error.errors or [{"field": "", "message": str(error)}]
        errors = {
            p.get("field", ""): problem(p.get("field", ""), p.get("message", ""), viewer)
            for p in problems
        }
        return _recipient_page(request, viewer, recipient, 422, errors, given)
    url = f"/console/directory/recipients/{recipient.id}?saved=true"
    return RedirectResponse(url, status_code=303)


# Import: upload, dry run shown as a diff, apply -----------------------------------------


def imports_dir(settings: Settings, organisation_id: str) -> Path:
    return settings.print_dir.parent / "console-imports" / organisation_id


@dataclass(frozen=True)
class KeptImport:
    """What a dry run showed, as the apply must repeat it: the file and how it is read."""

    body: bytes
    content_type: str
    complete: bool


def _keep_file(settings: Settings, organisation_id: str, kept: KeptImport) -> str:
    """The uploaded file and its options, kept on the server under a new random token
    (nothing of it comes back from the browser but the token); older ones swept."""
    folder = imports_dir(settings, organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    old = time.time() - IMPORT_HOURS * 3600
    for waiting in folder.iterdir():
        if waiting.stat().st_mtime < old:
            waiting.unlink(missing_ok=True)
    token = secrets.token_urlsafe(32)
    options = {"content_type": kept.content_type, "complete": kept.complete}
    (folder / f"{token}.type").write_text(json.dumps(options), encoding="utf-8")
    (folder / f"{token}.body").write_bytes(kept.body)
    return token


def _kept_file(settings: Settings, organisation_id: str, token: str) -> KeptImport | None:
    if len(token) != TOKEN_LENGTH or not token.replace("-", "").replace("_", "").isalnum():
        return None
    folder = imports_dir(settings, organisation_id)
    body, kind = folder / f"{token}.body", folder / f"{token}.type"
    if not body.is_file() or body.stat().st_mtime < time.time() - IMPORT_HOURS * 3600:
        return None
    options = json.loads(kind.read_text(encoding="utf-8"))
    return KeptImport(body.read_bytes(), options["content_type"], options["complete"] is True)


def _forget_file(settings: Settings, organisation_id: str, token: str) -> None:
    folder = imports_dir(settings, organisation_id)
    for suffix in (".body", ".type"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class ChangedRecipient:
    external_id: str
    name: str
    changes: list[FieldChange] = field(default_factory=list)


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _name(row: dict[str, Any]) -> str:
    named = " ".join(p for p in (row.get("first_name"), row.get("last_name")) if p)
    return str(row.get("display_name") or named or row.get("external_id") or "")


def import_diff(plan: ImportPlan, roles_changed: set[str]) -> dict[str, Any]:
    """What a planned import adds and changes, field by field (old → new)."""
    changed = []
    for external_id, update in zip(plan.updated, plan.updates, strict=True):
        before = plan.before.get(external_id, {})
        item = ChangedRecipient(external_id, _name(before | update))
        for column, value in update.items():
            if column not in UNSHOWN:
                item.changes.append(FieldChange(column, _shown(before.get(column)), _shown(value)))
        if external_id in roles_changed:
            item.changes.append(FieldChange("roles", "", ""))
        if before.get("retired_at") is not None:
            item.changes.append(FieldChange("retired_at", _shown(before["retired_at"]), ""))
        changed.append(item)
    added = [{"external_id": row.get("external_id"), "name": _name(row)} for row in plan.inserts]
    retired = [external_id for _, external_id in plan.retired]
    return {"added": added, "changed": changed, "unchanged": plan.unchanged, "retired": retired}


def _plan(
    session: Session, organisation_id: str, body: bytes, content_type: str, settings: Settings,
    complete: bool,
) -> tuple[ImportPlan, set[str]]:  # fmt: skip
    records = importer.recipient_records(body, content_type, settings.max_import_rows)
    recipients = importer.validate_records(records)
    plan = importer.plan_import(
        session, organisation_id, recipients, complete=complete, source=None
    )
    roles_changed = {
        external_id
        for external_id, update in zip(plan.updated, plan.updates, strict=True)
        if update["id"] in plan.roles
    }
    return plan, roles_changed


def _import_page(request: Request, viewer: Viewer, status: int = 200, **values: Any) -> Response:
    return page(
        request,
        "directory_import.html",
        viewer.language,
        viewer,
        status=status,
        title=i18n.text("import_title", viewer.language),
        may_change=may_change(viewer),
        **({"diff": None, "errors": [], "error": "", "token": "",
            "result": None} | values),
    )  # fmt: skip


@router.get("/console/directory/import", response_model=None)
def import_form(request: Request, viewer: ViewerDep) -> Response:
    if viewer is None:
        return to_sign_in()
    return _import_page(request, viewer)


def _errors_of(error: DomainError, viewer: Viewer) -> list[dict[str, Any]]:
    given = error.errors or [{"row": "", "field": "", "message": str(error)}]
    return [
        {"row": e.get("row", ""), "field": e.get("field", "")}
        | problem(str(e.get("field", "")), str(e.get("message", "")), viewer)
        for e in given
    ]


@router.post("/console/directory/import", response_model=None)
async def import_dry_run(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """The file's dry run, shown as a diff, with the button that applies it."""
    if viewer is None:
        return to_sign_in()
    try:
        form = await request.form(max_files=1, max_fields=10)
    except Exception:  # a body that is not a form: as a form without its token
        return forbidden_form(request, viewer)
    csrf = form.get("csrf")
    if not isinstance(csrf, str) or not csrf_holds(settings, viewer.session.id, csrf):
        return forbidden_form(request, viewer)
    if not may_change(viewer):
        return refused(request, viewer, 403, "viewer_cannot")
    upload = form.get("file")
    complete = form.get("complete") == "yes"
    if not isinstance(upload, UploadFile) or not upload.filename:
        message = i18n.text("import_no_file", viewer.language)
        return _import_page(request, viewer, 422, error=message)
    body = await upload.read()
    name = upload.filename.lower()
    content_type = "application/json" if name.endswith(".json") else "text/csv"
    organisation_id = viewer.user.organisation_id
    try:
        plan, roles_changed = await run_in_threadpool(
            _plan, session, organisation_id, body, content_type, settings, complete
        )
    except InvalidInput as error:
        message = i18n.text("import_invalid", viewer.language)
        return _import_page(request, viewer, 422, error=message, errors=_errors_of(error, viewer))
    token = _keep_file(settings, organisation_id, KeptImport(body, content_type, complete))
    return _import_page(request, viewer, diff=import_diff(plan, roles_changed), token=token)


@router.post("/console/directory/import/apply", response_model=None)
async def import_apply(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Imports the file the dry run showed (kept on the server under its token)."""
    if viewer is None:
        return to_sign_in()
    form = await form_of(request, "token")
    if not csrf_holds(settings, viewer.session.id, form.get("csrf", "")):
        return forbidden_form(request, viewer)
    if not may_change(viewer):
        return refused(request, viewer, 403, "viewer_cannot")
    organisation_id = viewer.user.organisation_id
    token = form.get("token", "")[:100]
    kept = _kept_file(settings, organisation_id, token)
    if kept is None:
        message = i18n.text("import_expired", viewer.language)
        return _import_page(request, viewer, 410, error=message)

    def run() -> Any:
        records = importer.recipient_records(kept.body, kept.content_type, settings.max_import_rows)
        return importer.import_recipients(
            session,
            organisation_id,
            importer.validate_records(records),
            dry_run=False,
            complete=kept.complete,
        )

    try:
        result = await run_in_threadpool(run)
    except (InvalidInput, Conflict) as error:
        session.rollback()
        message = i18n.text("import_invalid", viewer.language)
        return _import_page(request, viewer, 409, error=message, errors=_errors_of(error, viewer))
    _forget_file(settings, organisation_id, token)
    return _import_page(request, viewer, result=result)


# Sync --------------------------------------------------------------------------------


def _sync_page(
    request: Request,
    session: Session,
    settings: Settings,
    viewer: Viewer,
    status: int = 200,
    report: Any = None,
    error: str = "",
) -> Response:
    state = sync.directory_status(session, viewer.user.organisation_id, date.today())
    sources = sync.configured_sources(settings)
    sources += [
        s.source for s in state.sources if sync.is_feed(s.source) and s.source not in sources
    ]
    return page(
        request,
        "directory_sync.html",
        viewer.language,
        viewer,
        status=status,
        title=i18n.text("sync_title", viewer.language),
        state=state,
        sources=sources,
        report=report,
        error=error,
        may_change=may_change(viewer),
    )


@router.get("/console/directory/sync", response_model=None)
def sync_status(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    if viewer is None:
        return to_sign_in()
    return _sync_page(request, session, settings, viewer)


@router.post("/console/directory/sync", response_model=None)
async def run_sync(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Runs the sync of one source now, as POST /v1/directory/sync does (its guard against
    retiring too many recipients included)."""
    if viewer is None:
        return to_sign_in()
    form = await form_of(request, "source")
    if not csrf_holds(settings, viewer.session.id, form.get("csrf", "")):
        return forbidden_form(request, viewer)
    if not may_change(viewer):
        return refused(request, viewer, 403, "viewer_cannot")
    source = form.get("source", "")[:120]
    if source not in sync.configured_sources(settings) and not sync.is_feed(source):
        message = i18n.text("sync_unknown_source", viewer.language)
        return _sync_page(request, session, settings, viewer, 422, error=message)
    try:
        report = await run_in_threadpool(
            sync.sync_from_source,
            session,
            settings,
            viewer.user.organisation_id,
            source,
            requested_by=f"console user {viewer.user.email}",
        )
    except DomainError as error:
        session.rollback()
        message = i18n.text("sync_failed", viewer.language, reason=error.detail or "")
        return _sync_page(request, session, settings, viewer, error.status, error=message)
    status = 409 if report.stopped else 200
    return _sync_page(request, session, settings, viewer, status, report=report)
