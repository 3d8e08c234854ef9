"""The console's settings pages: the organisation's public identity, its users, its API
keys and its webhooks with their delivery log.

Who may do what (README, "The console"): owners change everything here; editors and
viewers see the identity and the users; editors also see the webhooks and their log;
only owners see the keys. A secret (an API key, a webhook's signing secret) is shown
once, on the page that answers its making, never again, and no page is cached."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from app.auth import identity
from app.auth import service as auth
from app.auth.models import Organisation
from app.auth.schemas import ApiKeyCreate, OrganisationUpdate
from app.auth.scopes import Scope
from app.console import i18n, organisation, service
from app.console.roles import Role, may_run_organisation, may_see_settings, may_see_webhooks
from app.console.router import (
    Viewer,
    ViewerDep,
    forbidden_form,
    form_of,
    page,
    refused,
    to_sign_in,
)
from app.db import SessionDep
from app.errors import Conflict, InvalidInput, KeyNameTaken, NotFound
from app.pagination import ListWindow
from app.settings import Settings, SettingsDep
from app.web.i18n import Language
from app.webhooks import service as webhooks
from app.webhooks.schemas import DeliveryStatus, EventType, WebhookCreate, WebhookUpdate

router = APIRouter(include_in_schema=False)

IDENTITY_FIELDS = (
    "name",
    "email_name",
    "logo_url",
    "brand_colour",
    "privacy_url",
    "contact_email",
    "contact_address",
    "consent_en",
    "consent_fr",
)
USER_FIELDS = ("email", "name", "role", "language")
SCOPES = [scope.value for scope in Scope]
EVENTS: list[str] = list(EventType.__args__)  # type: ignore[attr-defined]
STATES = ("pending", "delivered", "failed", "cancelled")
StateQuery = Annotated[str, Query(pattern="^(all|pending|delivered|failed|cancelled)$")]


def owners_only(request: Request, viewer: Viewer) -> HTMLResponse | None:
    """The 403 page for a role that may not change settings; None for an owner."""
    if may_run_organisation(viewer.user.role):
        return None
    return refused(request, viewer, 403, "owners_only")


def settings_refused(request: Request, viewer: Viewer) -> HTMLResponse | None:
    """The 403 page for a role that may not see the settings at all (advocates)."""
    if may_see_settings(viewer.user.role):
        return None
    return refused(request, viewer, 403, "owners_only")


async def owner_form(
    request: Request, settings: Settings, viewer: Viewer, *fields: str
) -> dict[str, str] | HTMLResponse:
    """The posted form of an owner whose CSRF token holds, or the page refusing it."""
    form = await form_of(request, *fields)
    if not service.csrf_holds(settings, viewer.session.id, form.get("csrf", "")):
        return forbidden_form(request, viewer)
    return owners_only(request, viewer) or form


def field_errors(error: ValidationError | InvalidInput, language: Language) -> dict[str, str]:
    """Each field named by a refusal, with its message in the console's language."""
    if isinstance(error, InvalidInput):
        names = [str(e.get("field", "")) for e in error.errors or []]
    else:
        names = [_field_name(e["loc"]) for e in error.errors()]
    return {
        name: i18n.text(
            f"invalid_{name}" if f"invalid_{name}" in i18n.STRINGS else "form_has_errors", language
        )
        for name in names
        if name
    }


def _field_name(location: tuple[int | str, ...]) -> str:
    if location[:1] == ("consent_text",) and len(location) > 1:
        return f"consent_{location[1]}"
    return str(location[0]) if location else ""


def secret_page(
    request: Request, viewer: Viewer, words: tuple[str, str, str], secret: str, back: str
) -> HTMLResponse:
    """The one page that ever shows a secret: its title's key, the intro and the back
    link's key in `words`; never cached (every console page is sent no-store, and this
    one must stay so)."""
    title, intro, back_label = words
    answer = page(
        request,
        "settings_secret.html",
        viewer.language,
        viewer,
        title=i18n.text(title, viewer.language),
        intro=intro,
        secret=secret,
        back=f"/console/settings/{back}",
        back_label=i18n.text(back_label, viewer.language),
    )
    answer.headers["Cache-Control"] = "no-store"
    return answer


def conflict_page(request: Request, viewer: Viewer, key: str) -> HTMLResponse:
    return page(
        request,
        "message.html",
        viewer.language,
        viewer,
        status=409,
        title=i18n.text("error_title", viewer.language, title=i18n.text(key, viewer.language)),
        message=i18n.text(key + "_message", viewer.language),
    )


# The public identity.


def identity_form(organisation_row: Organisation) -> dict[str, str]:
    consent = organisation_row.consent_text or {}
    values = {name: getattr(organisation_row, name) or "" for name in IDENTITY_FIELDS[:7]}
    return values | {"consent_en": consent.get("en", ""), "consent_fr": consent.get("fr", "")}


def identity_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    saved: bool = False,
    status: int = 422,
) -> HTMLResponse:
    found = service.organisation_of(session, viewer.user)
    return page(
        request,
        "settings_identity.html",
        viewer.language,
        viewer,
        status=status if errors else 200,
        title=i18n.text("identity", viewer.language),
        organisation=found,
        form=form or identity_form(found),
        errors=errors or {},
        saved=saved,
        preview=identity.page_identity(found, viewer.language),
        may_change=may_run_organisation(viewer.user.role),
    )


@router.get("/console/settings", response_class=RedirectResponse)
def settings_home() -> RedirectResponse:
    return RedirectResponse("/console/settings/identity", status_code=303)


@router.get("/console/settings/identity", response_model=None)
def show_identity(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The organisation's public identity (every role), with a preview of what supporters
    see; owners change it."""
    if viewer is None:
        return to_sign_in()
    return settings_refused(request, viewer) or identity_page(request, session, viewer)


@router.get("/console/settings/identity/brand.css", response_model=None)
def brand_css(session: SessionDep, viewer: ViewerDep) -> Response:
    """The preview's colours, as the action page has them (the console allows no inline
    style)."""
    if viewer is None:
        return to_sign_in()
    found = service.organisation_of(session, viewer.user)
    css = identity.brand_stylesheet(found).replace("header.site", ".preview header.site")
    return Response(css, media_type="text/css", headers={"Cache-Control": "no-store"})


def identity_changes(form: dict[str, str]) -> dict[str, Any]:
    consent = {lang: form[f"consent_{lang}"] for lang in ("en", "fr") if form[f"consent_{lang}"]}
    changes: dict[str, Any] = {name: form[name] or None for name in IDENTITY_FIELDS[1:7]}
    # A blank name is refused as too short, not taken for "clear it".
    return changes | {"name": form["name"], "consent_text": consent or None}


@router.post("/console/settings/identity", response_model=None)
async def change_identity(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Through OrganisationUpdate and the service PATCH /v1/organisation uses."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer, *IDENTITY_FIELDS)
    if isinstance(posted, Response):
        return posted
    form = {name: posted.get(name, "").strip() for name in IDENTITY_FIELDS}
    if "name" not in posted:  # a form of before the name was on it: the name stays
        form["name"] = service.organisation_of(session, viewer.user).name
    try:
        body = OrganisationUpdate.model_validate(identity_changes(form))
    except ValidationError as error:
        return identity_page(request, session, viewer, form, field_errors(error, viewer.language))
    try:
        auth.update_organisation(
            session, viewer.user.organisation_id, body.model_dump(mode="json", exclude_unset=True)
        )
    except Conflict:
        taken = {"name": i18n.text("name_taken", viewer.language)}
        return identity_page(request, session, viewer, form, taken, status=409)
    return identity_page(request, session, viewer, saved=True)


# Users.


def users_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    invited: str = "",
) -> HTMLResponse:
    return page(
        request,
        "settings_users.html",
        viewer.language,
        viewer,
        status=status,
        title=i18n.text("users", viewer.language),
        users=service.users_of(session, viewer.user.organisation_id),
        roles=[role.value for role in Role],
        form=form or {"email": "", "name": "", "role": "editor", "language": viewer.language},
        errors=errors or {},
        invited=invited,
        may_change=may_run_organisation(viewer.user.role),
    )


@router.get("/console/settings/users", response_model=None)
def show_users(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    if viewer is None:
        return to_sign_in()
    return settings_refused(request, viewer) or users_page(request, session, viewer)


@router.post("/console/settings/users", response_model=None)
async def invite_user(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Add a user with a role; they are emailed a sign-in link."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer, *USER_FIELDS)
    if isinstance(posted, Response):
        return posted
    form = {name: posted.get(name, "").strip()[:320] for name in USER_FIELDS}
    invited = (form["email"], form["role"], form["name"], form["language"])
    try:
        user = organisation.invite_user(session, viewer.user.organisation_id, invited, settings)
    except InvalidInput as error:
        session.rollback()
        errors = field_errors(error, viewer.language)
        return users_page(request, session, viewer, form, errors, status=422)
    except Conflict:
        session.rollback()
        errors = {"email": i18n.text("user_exists", viewer.language)}
        return users_page(request, session, viewer, form, errors, status=409)
    return users_page(request, session, viewer, invited=user.email)


def user_refused(request: Request, viewer: Viewer, error: Exception) -> HTMLResponse:
    if isinstance(error, NotFound):
        return refused(request, viewer, 404, "not_found")
    if isinstance(error, InvalidInput):
        return refused(request, viewer, 422, "bad_role")
    return conflict_page(request, viewer, "last_owner")


@router.post("/console/settings/users/{user_id}/role", response_model=None)
async def change_role(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, user_id: str
) -> Response:
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer, "role")
    if isinstance(posted, Response):
        return posted
    try:
        organisation.change_role(
            session, viewer.user.organisation_id, user_id, posted.get("role", "")
        )
    except (NotFound, InvalidInput, Conflict) as error:
        return user_refused(request, viewer, error)
    return RedirectResponse("/console/settings/users", status_code=303)


@router.post("/console/settings/users/{user_id}/remove", response_model=None)
async def remove_user(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, user_id: str
) -> Response:
    """Remove a user and end their sessions (never the last owner)."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer)
    if isinstance(posted, Response):
        return posted
    removed_self = user_id == viewer.user.id
    try:
        organisation.remove_user(session, viewer.user.organisation_id, user_id)
    except (NotFound, Conflict) as error:
        return user_refused(request, viewer, error)
    return RedirectResponse(
        "/console/sign-in" if removed_self else "/console/settings/users", status_code=303
    )


# API keys.


def keys_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "settings_keys.html",
        viewer.language,
        viewer,
        status=422 if errors else 200,
        title=i18n.text("api_keys", viewer.language),
        keys=organisation.keys_of(session, viewer.user.organisation_id),
        scopes=SCOPES,
        form=form or {"name": "", "scopes": []},
        errors=errors or {},
    )


@router.get("/console/settings/keys", response_model=None)
def show_keys(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The organisation's API keys (owners only): names, prefixes and scopes, never a key."""
    if viewer is None:
        return to_sign_in()
    return owners_only(request, viewer) or keys_page(request, session, viewer)


@router.post("/console/settings/keys", response_model=None)
async def make_key(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Make a key; the answer shows it, this once (and is not cached)."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer, "name", *(f"scope:{s}" for s in SCOPES))
    if isinstance(posted, Response):
        return posted
    form = {"name": posted.get("name", "").strip(), "scopes": checked(posted, "scope", SCOPES)}
    try:
        body = ApiKeyCreate.model_validate(form)
    except ValidationError as error:
        return keys_page(request, session, viewer, form, field_errors(error, viewer.language))
    try:
        api_key, key = organisation.make_key(
            session, viewer.user.organisation_id, body.name, body.scopes
        )
    except KeyNameTaken:
        taken = {"name": i18n.text("key_name_taken", viewer.language)}
        return keys_page(request, session, viewer, form, taken)
    intro = i18n.text("key_made_intro", viewer.language, name=api_key.name)
    return secret_page(request, viewer, ("key_made", intro, "api_keys"), key, "keys")


def checked(form: dict[str, str], kind: str, values: list[str]) -> list[str]:
    return [value for value in values if f"{kind}:{value}" in form]


@router.post("/console/settings/keys/{key_id}/revoke", response_model=None)
async def revoke_key(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep, key_id: str
) -> Response:
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer)
    if isinstance(posted, Response):
        return posted
    try:
        auth.revoke_key(session, viewer.user.organisation_id, key_id[:40])
    except NotFound:
        return refused(request, viewer, 404, "not_found")
    except Conflict:
        session.rollback()
        return conflict_page(request, viewer, "last_admin_key")
    return RedirectResponse("/console/settings/keys", status_code=303)


# Webhooks.


def webhooks_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    return page(
        request,
        "settings_webhooks.html",
        viewer.language,
        viewer,
        status=422 if errors else 200,
        title=i18n.text("webhooks", viewer.language),
        webhooks=organisation.webhooks_of(session, viewer.user.organisation_id),
        events=EVENTS,
        form=form or {"url": "", "description": "", "events": []},
        errors=errors or {},
        may_change=may_run_organisation(viewer.user.role),
    )


def webhooks_refused(request: Request, viewer: Viewer) -> HTMLResponse | None:
    if may_see_webhooks(viewer.user.role):
        return None
    return refused(request, viewer, 403, "owners_only")


@router.get("/console/settings/webhooks", response_model=None)
def show_webhooks(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    """The organisation's webhooks (owners and editors; owners change them)."""
    if viewer is None:
        return to_sign_in()
    return webhooks_refused(request, viewer) or webhooks_page(request, session, viewer)


WEBHOOK_FIELDS = ("url", "description", *(f"event:{e}" for e in EVENTS))


def webhook_form(posted: dict[str, str]) -> dict[str, Any]:
    return {
        "url": posted.get("url", "").strip(),
        "description": posted.get("description", "").strip(),
        "events": checked(posted, "event", EVENTS),
    }


@router.post("/console/settings/webhooks", response_model=None)
async def add_webhook(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    """Add a webhook; the answer shows its signing secret, this once."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer, *WEBHOOK_FIELDS)
    if isinstance(posted, Response):
        return posted
    form = webhook_form(posted)
    try:
        body = WebhookCreate.model_validate(form)
        webhook, secret = webhooks.create_webhook(
            session, viewer.user.organisation_id, body, settings
        )
    except (ValidationError, InvalidInput) as error:
        return webhooks_page(request, session, viewer, form, field_errors(error, viewer.language))
    intro = i18n.text("webhook_made_intro", viewer.language, url=webhook.url)
    words = ("webhook_made", intro, "webhook_log")
    return secret_page(request, viewer, words, secret, f"webhooks/{webhook.id}")


def webhook_page(
    request: Request,
    session: SessionDep,
    viewer: Viewer,
    webhook_id: str,
    state: str = "all",
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> HTMLResponse:
    organisation_id = viewer.user.organisation_id
    try:
        webhook = webhooks.get_webhook(session, organisation_id, webhook_id[:40])
    except NotFound:
        return refused(request, viewer, 404, "not_found")
    status: DeliveryStatus | None = state if state in STATES else None  # type: ignore[assignment]
    deliveries = webhooks.list_deliveries(
        session,
        organisation_id,
        webhook.id,
        status,
        may_run_organisation(viewer.user.role),
        ListWindow(limit=50, order="desc"),
    )
    return page(
        request,
        "settings_webhook.html",
        viewer.language,
        viewer,
        status=422 if errors else 200,
        title=i18n.text("webhook_title", viewer.language, url=webhook.url),
        webhook=webhook,
        events=EVENTS,
        form=form
        or {"url": webhook.url, "description": webhook.description or "", "events": webhook.events},
        errors=errors or {},
        deliveries=deliveries.items,
        state=state,
        states=STATES,
        may_change=may_run_organisation(viewer.user.role),
    )


@router.get("/console/settings/webhooks/{webhook_id}", response_model=None)
def show_webhook(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    webhook_id: str,
    state: StateQuery = "all",
) -> Response:
    """A webhook's settings and its delivery log, filtered by state."""
    if viewer is None:
        return to_sign_in()
    return webhooks_refused(request, viewer) or webhook_page(
        request, session, viewer, webhook_id, state
    )


@router.post("/console/settings/webhooks/{webhook_id}", response_model=None)
async def change_webhook(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    webhook_id: str,
) -> Response:
    """Change its URL, description and events (PATCH /v1/webhooks/{id} does the same)."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer, *WEBHOOK_FIELDS)
    if isinstance(posted, Response):
        return posted
    form = webhook_form(posted)
    try:
        body = WebhookUpdate.model_validate(form | {"description": form["description"] or None})
        webhooks.update_webhook(session, viewer.user.organisation_id, webhook_id, body, settings)
    except NotFound:
        return refused(request, viewer, 404, "not_found")
    except (ValidationError, InvalidInput) as error:
        session.rollback()
        errors = field_errors(error, viewer.language)
        return webhook_page(request, session, viewer, webhook_id, form=form, errors=errors)
    return RedirectResponse(f"/console/settings/webhooks/{webhook_id}", status_code=303)


@router.post("/console/settings/webhooks/{webhook_id}/active", response_model=None)
async def activate_webhook(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    webhook_id: str,
) -> Response:
    """Pause (active=false: what was pending is cancelled) or resume a webhook."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer, "active")
    if isinstance(posted, Response):
        return posted
    body = WebhookUpdate(active=posted.get("active") == "true")
    try:
        webhooks.update_webhook(session, viewer.user.organisation_id, webhook_id, body, settings)
    except NotFound:
        return refused(request, viewer, 404, "not_found")
    return RedirectResponse(f"/console/settings/webhooks/{webhook_id}", status_code=303)


@router.post("/console/settings/webhooks/{webhook_id}/test", response_model=None)
async def send_test_event(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    webhook_id: str,
) -> Response:
    """A `webhook.test` event for this webhook, due now; the log shows how it went."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer)
    if isinstance(posted, Response):
        return posted
    try:
        webhooks.send_test_event(session, viewer.user.organisation_id, webhook_id, True)
    except NotFound:
        return refused(request, viewer, 404, "not_found")
    except Conflict:
        return conflict_page(request, viewer, "webhook_paused")
    return RedirectResponse(f"/console/settings/webhooks/{webhook_id}", status_code=303)


@router.post(
    "/console/settings/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
    response_model=None,
)
async def redeliver(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    webhook_id: str,
    delivery_id: str,
) -> Response:
    """Send a delivery's event again (not one still being tried, nor to a paused webhook)."""
    if viewer is None:
        return to_sign_in()
    posted = await owner_form(request, settings, viewer)
    if isinstance(posted, Response):
        return posted
    try:
        webhooks.redeliver(session, viewer.user.organisation_id, webhook_id, delivery_id[:40], True)
    except NotFound:
        return refused(request, viewer, 404, "not_found")
    except Conflict:
        return conflict_page(request, viewer, "redeliver_refused")
    return RedirectResponse(f"/console/settings/webhooks/{webhook_id}", status_code=303)
