"""The console's campaign editor: create, edit, publish and close a campaign, with the
letter shown as a supporter would receive it while the organiser types.

Every change goes through `app.campaigns.service` with the API's own schemas, so the
editor refuses exactly what the API refuses; the errors are shown beside their fields in
the console's language. The form's inputs are named by the API's field paths
(`title.en`, `target_texts.own_mp.ask.fr`, `learn_more.0.url`), so an error's path is
the name of the input it belongs to.

The live preview is an htmx POST of the whole form on input, answered with a partial;
without JavaScript the form's Preview button reloads the page with the preview. A
viewer sees the editor disabled and may preview the saved campaign by GET; every POST of
a viewer is refused (403) and changes nothing."""

from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.campaigns import service as campaigns
from app.campaigns.models import Campaign
from app.campaigns.schemas import (
    CAMPAIGN_FIELDS,
    CampaignCreate,
    CampaignFields,
    CampaignUpdate,
)
from app.console import i18n
from app.console.roles import may_change_campaigns
from app.console.router import (
    Viewer,
    ViewerDep,
    campaign_or_refusal,
    campaign_row,
    forbidden_form,
    page,
    refused,
    to_sign_in,
)
from app.console.service import csrf_holds
from app.db import SessionDep
from app.directory.lookup import DistrictMatch, DistrictProvider
from app.directory.models import Recipient, RecipientRole
from app.errors import DomainError, field_errors
from app.fields import POSTAL_PROVINCES, fold
from app.letters import service as letters
from app.letters.schemas import ActionCreate, LetterOut, QualityWarning, Supporter
from app.settings import SettingsDep
from app.web.i18n import Language

router = APIRouter(include_in_schema=False)

LANGUAGES: tuple[Language, ...] = ("en", "fr")
# The texts shown in both languages side by side: (field, several lines).
TEXTS = (
    ("title", False), ("summary", True), ("guidance", True), ("subject", False),
    ("concern", True), ("ask", True), ("reply_request", True),
)  # fmt: skip
TARGET_KINDS = ("role", "own_mp", "recipient")
TARGET_PARTS = (("subject", False), ("concern", True), ("ask", True))
NUMBERS = ("hold_minutes", "goal", "counter_offset")
LINKS = 5  # learn_more links, as the API allows
MAX_PAIRS = 300  # the editor sends fewer; a padded form is read no further
SEARCH_RESULTS = 20
RIDINGS_SHOWN = 500
MISSING = "each language of the campaign needs: "


def read_form(raw: bytes) -> dict[str, list[str]]:
    """The editor's form: every value of each field (targets and languages repeat)."""
    pairs = "&".join(raw.decode("utf-8", "replace").split("&", MAX_PAIRS)[:MAX_PAIRS])
    values: dict[str, list[str]] = {}
    for name, value in parse_qsl(pairs, keep_blank_values=True):
        values.setdefault(name[:100], []).append(value)
    return values


def first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]


def texts_of(form: dict[str, list[str]], prefix: str) -> dict[str, str]:
    """`prefix.en` and `prefix.fr` as the API's per-language dict, blanks left out."""
    found = {language: first(form, f"{prefix}.{language}").strip() for language in LANGUAGES}
    return {language: text for language, text in found.items() if text}


def target_of(value: str) -> dict[str, str]:
    kind, _, rest = value.partition(":")
    if kind == "role":
        return {"type": "role", "role": rest}
    if kind == "recipient":
        return {"type": "recipient", "recipient_id": rest}
    if kind == "own_representative":
        return {"type": "own_representative", "elected_office": rest}
    return {"type": "own_mp"}


def target_value(target: dict[str, Any]) -> str:
    """A target as its checkbox's value (the inverse of `target_of`)."""
    detail = target.get("role") or target.get("recipient_id") or target.get("elected_office")
    return f"{target['type']}:{detail}" if detail else str(target["type"])


def link_of(form: dict[str, list[str]], prefix: str) -> dict[str, Any] | None:
    url = first(form, f"{prefix}.url").strip()
    label = texts_of(form, f"{prefix}.label")
    return {"url": url, "label": label} if url or label else None


def number_of(text: str) -> int | str | None:
    """A number field: blank is none, digits a number; anything else is given to the
    schema as it is, which names the field."""
    text = text.strip()
    return int(text) if text.isdigit() and len(text) < 12 else (text or None)


def fields_of(form: dict[str, list[str]]) -> dict[str, Any]:
    """The campaign fields the editor shows, as the API's body would carry them."""
    fields: dict[str, Any] = {"slug": first(form, "slug").strip()}
    fields["languages"] = [
        language for language in LANGUAGES if language in form.get("languages", [])
    ]
    for name, _ in TEXTS:
        fields[name] = texts_of(form, name)
    fields["targets"] = [target_of(value) for value in dict.fromkeys(form.get("targets", []))]
    fields["target_texts"] = {}
    for kind in TARGET_KINDS:
        texts = {part: texts_of(form, f"target_texts.{kind}.{part}") for part, _ in TARGET_PARTS}
        if any(texts.values()):
            fields["target_texts"][kind] = {part: t for part, t in texts.items() if t}
    for name in NUMBERS:
        fields[name] = number_of(first(form, name))
    if fields["hold_minutes"] is None:
        del fields["hold_minutes"]  # left blank: the API's default, or as it was
    fields["counter_offset"] = fields["counter_offset"] or 0
    fields["image_url"] = first(form, "image_url").strip() or None
    fields["image_alt"] = texts_of(form, "image_alt")
    links = (link_of(form, f"learn_more.{index}") for index in range(LINKS))
    fields["learn_more"] = [link for link in links if link is not None]
    fields["next_action"] = link_of(form, "next_action")
    return fields


def form_of_campaign(campaign: Campaign | None) -> dict[str, list[str]]:
    """A stored campaign as the editor's form (a new one: English, the supporter's MP)."""
    if campaign is None:
        return {"languages": ["en", "fr"], "targets": ["own_mp"], "hold_minutes": ["5"]}
    form: dict[str, list[str]] = {
        "slug": [campaign.slug],
        "languages": list(campaign.languages),
        "targets": [target_value(target) for target in campaign.targets],
        "image_url": [campaign.image_url or ""],
    }
    for name in NUMBERS:
        value = getattr(campaign, name)
        form[name] = ["" if value is None else str(value)]
    for name in [name for name, _ in TEXTS] + ["image_alt"]:
        for language, text in (getattr(campaign, name) or {}).items():
            form[f"{name}.{language}"] = [text]
    for kind, parts in (campaign.target_texts or {}).items():
        for part, texts in parts.items():
            for language, text in texts.items():
                form[f"target_texts.{kind}.{part}.{language}"] = [text]
    links = [(f"learn_more.{i}", link) for i, link in enumerate(campaign.learn_more or [])]
    if campaign.next_action:
        links.append(("next_action", campaign.next_action))
    for prefix, link in links:
        form[f"{prefix}.url"] = [link["url"]]
        for language, text in link["label"].items():
            form[f"{prefix}.label.{language}"] = [text]
    return form


# What the schema says, in the console's words: (error code or message start, key).
ERROR_KEYS = (
    ("missing", "field_required"),
    ("string_too_short", "field_required"),
    ("string_too_long", "field_too_long"),
    ("string_pattern_mismatch", "field_slug"),
    ("int_parsing", "field_number"),
    ("greater_than", "field_number"),
    ("less_than", "field_number"),
    ("too_short", "field_choose_one"),
    ("too_long", "field_too_many"),
    ("url", "field_url"),
    ("must be an https", "field_url"),
    ("is taken", "field_slug_taken"),
    ("cannot change once public", "field_slug_fixed"),
    ("names no recipient", "field_recipient_gone"),
)


def console_message(entry: dict[str, Any], language: Language) -> str:
    code, message = str(entry.get("code", "")), str(entry.get("message", ""))
    for start, key in ERROR_KEYS:
        if code.startswith(start) or message.startswith(start):
            return i18n.text(key, language)
    if "control characters" in message:
        return i18n.text("field_control", language)
    return i18n.text("field_invalid", language)


def field_name(path: str) -> str:
    """The input an error's path belongs to: the path itself, but for the parts of a
    list shown as one input (targets, languages) or a link's url."""
    for whole in ("targets", "languages"):
        if path.startswith(whole):
            return whole
    return f"{path}.en" if path.endswith(".label") else path


def form_errors(entries: list[dict[str, Any]], language: Language) -> dict[str, str]:
    """Each error beside its input; what names no input (the texts missing in a language,
    target texts for a kind of target the campaign lacks) is said at the form's top."""
    errors: dict[str, str] = {}
    for entry in entries:
        path, message = str(entry.get("field", "")), str(entry.get("message", ""))
        if message.startswith(MISSING):
            for name in message.removeprefix(MISSING).split(", "):
                errors.setdefault(name, i18n.text("field_required", language))
        elif message.startswith("target_texts for targets"):
            errors.setdefault("target_texts", i18n.text("field_unused_texts", language))
        elif message.startswith("give next_action or"):
            errors.setdefault("next_action.url", i18n.text("field_invalid", language))
        else:
            errors.setdefault(field_name(path) or "form", console_message(entry, language))
    return errors


Model = TypeVar("Model", CampaignFields, CampaignCreate, CampaignUpdate)


@dataclass
class Refused(Exception):
    """The form's fields as the schema or the service refused them."""

    errors: list[dict[str, Any]]


def validated(model: type[Model], fields: dict[str, Any]) -> Model:
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise Refused(field_errors(error.errors())) from None


def refused_by_service(error: DomainError) -> Refused:
    return Refused(error.errors or [{"field": "form", "message": error.detail or error.title}])


def save_campaign(
    session: Session, organisation_id: str, campaign: Campaign | None, fields: dict[str, Any]
) -> Campaign:
    """Creates or changes the campaign through the campaigns service, as the API does."""
    try:
        if campaign is None:
            create = validated(CampaignCreate, fields | {"status": "draft"})
            return campaigns.create_campaign(session, organisation_id, create)
        changes = validated(CampaignUpdate, fields)
        return campaigns.update_campaign(session, organisation_id, campaign.id, changes)
    except DomainError as error:
        raise refused_by_service(error) from None


def set_status(session: Session, campaign: Campaign, status: str) -> Campaign:
    try:
        changes = CampaignUpdate.model_validate({"status": status})
        return campaigns.update_campaign(session, campaign.organisation_id, campaign.id, changes)
    except DomainError as error:
        raise refused_by_service(error) from None


# The preview: a sample supporter in the riding the organiser picked.


@dataclass
class RidingProvider:
    """Places every postal code in one riding: the sample supporter lives there."""

    riding: DistrictMatch | None
    name: str = "riding"

    def districts_for(
        self,
        session: Session,
        organisation_id: str,
        postal_code: str,
        elected_office: str | None = None,
    ) -> list[DistrictMatch]:
        if self.riding is None or (elected_office is not None and fold(elected_office) != "mp"):
            return []
        return [self.riding]


def ridings(session: Session, organisation_id: str) -> list[tuple[str, str | None]]:
    """The ridings of the organisation's MPs, by name, with their province."""
    found = session.execute(
        select(Recipient.district_name, func.max(Recipient.district_province))
        .where(
            Recipient.organisation_id == organisation_id,
            Recipient.retired_at.is_(None),
            Recipient.district_name.is_not(None),
            func.lower(Recipient.elected_office) == "mp",
        )
        .group_by(Recipient.district_name)
        .order_by(Recipient.district_name)
        .limit(RIDINGS_SHOWN)
    )
    return [(name, province) for name, province in found if name]


def riding_match(
    session: Session, organisation_id: str, name: str
) -> tuple[DistrictMatch | None, str]:
    """The riding named (the first one when none is), and the province it is in."""
    known = ridings(session, organisation_id)
    chosen = next((r for r in known if fold(r[0]) == fold(name)), known[0] if known else None)
    if chosen is None:
        return None, "ON"
    return DistrictMatch(chosen[0], None, chosen[1]), chosen[1] or "ON"


SAMPLE_POSTAL_LETTER = {
    province: letter for letter, provinces in POSTAL_PROVINCES.items() for province in provinces
}


def sample_action(language: Language, province: str, riding: str) -> ActionCreate:
    """A supporter of the riding who writes a plain, personal intro and keeps the
    campaign's texts: what most letters look like."""
    letter = SAMPLE_POSTAL_LETTER.get(province, "K")
    words = i18n.text("sample_intro", language, riding=riding or "?")
    return ActionCreate(
        supporter=Supporter(
            first_name=i18n.text("sample_first_name", language),
            last_name=i18n.text("sample_last_name", language),
            email="sample.supporter@example.org",
            street_address=i18n.text("sample_street", language),
            city=riding or i18n.text("sample_city", language),
            province=province,
            postal_code=f"{letter}1A 1A1",
        ),
        language=language,
        intro=words,
        concern=None,
        ask=None,
    )


@dataclass
class Preview:
    """What the preview panel shows."""

    riding: str = ""
    language: Language = "en"
    target: str = ""
    letters: list[LetterOut] = field(default_factory=list)
    shown: LetterOut | None = None
    warnings: list[QualityWarning] = field(default_factory=list)
    problem: str = ""


def preview_of(
    session: Session,
    organisation_id: str,
    campaign: Campaign | None,
    fields: dict[str, Any],
    choice: dict[str, str],
    language: Language,
) -> Preview:
    """The letters the sample supporter would get, exactly as the letters service writes
    them for an action (nothing stored), and its warnings."""
    current = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS} if campaign else {}
    asked: Language = "fr" if choice.get("preview_language") == "fr" else "en"
    riding, province = riding_match(session, organisation_id, choice.get("preview_riding", ""))
    shown = Preview(riding.name if riding else "", asked, choice.get("preview_target", ""))
    try:
        draft = campaigns.draft_campaign(
            organisation_id, validated(CampaignFields, current | fields)
        )
    except Refused:
        shown.problem = i18n.text("preview_fix_errors", language)
        return shown
    if asked not in draft.languages:
        shown.language = asked = draft.languages[0]  # type: ignore[assignment]
    provider: DistrictProvider = RidingProvider(riding)
    body = sample_action(asked, province, shown.riding)
    body = body.model_copy(update=sample_parts(draft, asked))
    try:
        composed = letters.preview(session, draft, body, provider)
    except DomainError as error:
        shown.problem = error.detail or error.title
        return shown
    unique = {letter.recipient.id or str(n): letter for n, letter in enumerate(composed.letters)}
    shown.letters = list(unique.values())
    shown.shown = unique.get(shown.target) or next(iter(unique.values()), None)
    shown.warnings = composed.warnings
    return shown


def sample_parts(campaign: Campaign, language: Language) -> dict[str, str]:
    """Parts the supporter must write themselves, written by the sample supporter."""
    return {
        part: i18n.text(f"sample_{part}", language)
        for part in ("concern", "ask")
        if part in campaign.must_write
    }


def preview_choice(form: dict[str, list[str]]) -> dict[str, str]:
    names = ("preview_riding", "preview_language", "preview_target")
    return {name: first(form, name)[:300] for name in names}


# Target search: people by name or riding, and roles by title.


@dataclass(frozen=True)
class TargetChoice:
    value: str
    label: str


def search_targets(
    session: Session, organisation_id: str, q: str, language: Language
) -> list[TargetChoice]:
    """Roles whose title holds every word of `q`, then people whose name, riding or
    role does (accents and case aside)."""
    tokens = fold(q).split()
    if not tokens:
        return []
    roles = select(RecipientRole.title_en, RecipientRole.title_fr).where(
        RecipientRole.organisation_id == organisation_id
    )
    people = select(Recipient).where(
        Recipient.organisation_id == organisation_id, Recipient.retired_at.is_(None)
    )
    for token in tokens:
        titled = or_(
            RecipientRole.title_en_key.contains(token, autoescape=True),
            RecipientRole.title_fr_key.contains(token, autoescape=True),
        )
        roles = roles.where(titled)
        holders = select(RecipientRole.recipient_id).where(
            RecipientRole.organisation_id == organisation_id, titled
        )
        people = people.where(
            or_(
                Recipient.search_key.contains(token, autoescape=True),
                Recipient.district_key.contains(token, autoescape=True),
                Recipient.id.in_(holders),
            )
        )
    titles = {en: fr for en, fr in session.execute(roles.distinct().limit(SEARCH_RESULTS))}
    found = [
        TargetChoice(
            f"role:{en}",
            i18n.text("target_role", language, role=fr if language == "fr" and fr else en),
        )
        for en, fr in sorted(titles.items())
    ]
    for person in session.scalars(people.order_by(Recipient.search_key).limit(SEARCH_RESULTS)):
        found.append(TargetChoice(f"recipient:{person.id}", person_label(person)))
    return found


def person_label(person: Recipient) -> str:
    name = person.display_name or " ".join(filter(None, (person.first_name, person.last_name)))
    where = ", ".join(filter(None, (person.elected_office, person.district_name)))
    return f"{name} ({where})" if where else name


def target_labels(
    session: Session, organisation_id: str, values: list[str], language: Language
) -> list[TargetChoice]:
    """The chosen targets as the editor lists them, people by name."""
    ids = [value.partition(":")[2] for value in values if value.startswith("recipient:")]
    people = {
        person.id: person
        for person in session.scalars(
            select(Recipient).where(
                Recipient.organisation_id == organisation_id, Recipient.id.in_(ids)
            )
        )
    }
    choices = []
    for value in values:
        kind, _, detail = value.partition(":")
        if kind == "recipient":
            person = people.get(detail)
            label = person_label(person) if person else i18n.text("target_gone", language)
        elif kind == "role":
            label = i18n.text("target_role", language, role=detail)
        elif kind == "own_representative":
            label = i18n.text("target_own_representative", language, office=detail)
        else:
            label = i18n.text("target_own_mp", language)
        choices.append(TargetChoice(value, label))
    return choices


# The pages.


def editor_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    campaign: Campaign | None,
    form: dict[str, list[str]],
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    preview: Preview | None = None,
    found: list[TargetChoice] | None = None,
    saved: bool = False,
) -> HTMLResponse:
    language = viewer.language
    organisation_id = viewer.user.organisation_id
    chosen = list(dict.fromkeys(form.get("targets", [])))
    title = (
        i18n.text("edit_campaign", language, title=campaign_row(campaign, language)["title"])
        if campaign
        else i18n.text("new_campaign", language)
    )
    if errors:
        title = i18n.text("error_title", language, title=title)
    return page(
        request,
        "campaign_editor.html",
        language,
        viewer,
        status=status,
        title=title,
        campaign=campaign,
        values={name: first(form, name) for name in form},
        languages_chosen=form.get("languages", []),
        chosen=target_labels(session, organisation_id, chosen, language),
        found=[choice for choice in found or [] if choice.value not in chosen],
        q=first(form, "target_q"),
        errors=errors or {},
        preview=preview,
        ridings=[name for name, _ in ridings(session, organisation_id)],
        readonly=not may_change_campaigns(viewer.user.role),
        saved=saved,
        texts=TEXTS,
        target_kinds=TARGET_KINDS,
        target_parts=TARGET_PARTS,
        links=range(LINKS),
        action=f"/console/campaigns/{campaign.id}" if campaign else "/console/campaigns",
    )


def may_not_post(
    request: Request, viewer: Viewer, csrf_given: str, settings: Any
) -> Response | None:
    """The page that refuses a POST: a form not from the console, or a viewer."""
    if not csrf_holds(settings, viewer.session.id, csrf_given):
        return forbidden_form(request, viewer)
    if not may_change_campaigns(viewer.user.role):
        return refused(request, viewer, 403, "read_only")
    return None


@router.get("/console/campaigns/new", response_model=None)
def new_campaign(request: Request, session: SessionDep, viewer: ViewerDep) -> Response:
    if viewer is None:
        return to_sign_in()
    if not may_change_campaigns(viewer.user.role):
        return refused(request, viewer, 403, "read_only")
    form = form_of_campaign(None)
    preview = preview_of(
        session, viewer.user.organisation_id, None, fields_of(form), {}, viewer.language
    )
    return editor_page(request, session, viewer, None, form, preview=preview)


@router.post("/console/campaigns", response_model=None)
async def create_campaign(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    if viewer is None:
        return to_sign_in()
    return await editor_post(request, session, settings, viewer, None)


@router.post("/console/campaigns/new/preview", response_model=None)
async def preview_new_campaign(
    request: Request, session: SessionDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    if viewer is None:
        return to_sign_in()
    return await preview_post(request, session, settings, viewer, None)


@router.get("/console/campaigns/targets", response_model=None)
def find_targets(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    target_q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The target search's results, as the editor's partial (htmx)."""
    if viewer is None:
        return to_sign_in()
    if not may_change_campaigns(viewer.user.role):
        return refused(request, viewer, 403, "read_only")
    found = search_targets(session, viewer.user.organisation_id, target_q, viewer.language)
    return page(request, "campaign_targets.html", viewer.language, viewer, found=found, q=target_q)


@router.get("/console/campaigns/{campaign_id}", response_model=None)
def edit_campaign(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    campaign_id: str,
    preview_riding: Annotated[str, Query(max_length=300)] = "",
    preview_language: Annotated[str, Query(max_length=5)] = "",
    preview_target: Annotated[str, Query(max_length=60)] = "",
    saved: bool = False,
) -> Response:
    """The editor of a campaign (read-only for a viewer), with the preview of the saved
    campaign for the riding, language and target the query names."""
    if viewer is None:
        return to_sign_in()
    campaign = campaign_or_refusal(request, session, viewer, campaign_id)
    if isinstance(campaign, HTMLResponse):
        return campaign
    form = form_of_campaign(campaign)
    choice = {
        "preview_riding": preview_riding,
        "preview_language": preview_language,
        "preview_target": preview_target,
    }
    preview = preview_of(session, campaign.organisation_id, campaign, {}, choice, viewer.language)
    return editor_page(request, session, viewer, campaign, form, preview=preview, saved=saved)


@router.post("/console/campaigns/{campaign_id}", response_model=None)
async def update_campaign(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    campaign_id: str,
) -> Response:
    if viewer is None:
        return to_sign_in()
    campaign = campaign_or_refusal(request, session, viewer, campaign_id)
    if isinstance(campaign, HTMLResponse):
        return campaign
    return await editor_post(request, session, settings, viewer, campaign)


@router.post("/console/campaigns/{campaign_id}/preview", response_model=None)
async def preview_campaign(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    campaign_id: str,
) -> Response:
    if viewer is None:
        return to_sign_in()
    campaign = campaign_or_refusal(request, session, viewer, campaign_id)
    if isinstance(campaign, HTMLResponse):
        return campaign
    return await preview_post(request, session, settings, viewer, campaign)


@router.post("/console/campaigns/{campaign_id}/publish", response_model=None)
async def publish_campaign(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    campaign_id: str,
) -> Response:
    if viewer is None:
        return to_sign_in()
    return await status_post(request, session, settings, viewer, campaign_id, "live")


@router.post("/console/campaigns/{campaign_id}/close", response_model=None)
async def close_campaign(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    campaign_id: str,
) -> Response:
    if viewer is None:
        return to_sign_in()
    return await status_post(request, session, settings, viewer, campaign_id, "closed")


async def editor_post(
    request: Request, session: Session, settings: Any, viewer: Viewer, campaign: Campaign | None
) -> Response:
    """The editor's one form: Save, Preview (the page again with the letter) or Search
    (the page again with the directory's matches), the last two without JavaScript."""
    form = read_form(await request.body())
    refusal = may_not_post(request, viewer, first(form, "csrf"), settings)
    if refusal is not None:
        return refusal
    fields, language = fields_of(form), viewer.language
    organisation_id = viewer.user.organisation_id
    intent = first(form, "intent")
    if intent in ("preview", "search"):
        preview = preview_of(
            session, organisation_id, campaign, fields, preview_choice(form), language
        )
        found = search_targets(session, organisation_id, first(form, "target_q")[:100], language)
        return editor_page(request, session, viewer, campaign, form, preview=preview, found=found)
    try:
        saved = save_campaign(session, organisation_id, campaign, fields)
    except Refused as refusal_:
        session.rollback()
        errors = form_errors(refusal_.errors, language)
        return editor_page(request, session, viewer, campaign, form, status=422, errors=errors)
    return RedirectResponse(f"/console/campaigns/{saved.id}?saved=true", status_code=303)


async def preview_post(
    request: Request, session: Session, settings: Any, viewer: Viewer, campaign: Campaign | None
) -> Response:
    """The preview panel alone, for the editor's live preview (htmx)."""
    form = read_form(await request.body())
    refusal = may_not_post(request, viewer, first(form, "csrf"), settings)
    if refusal is not None:
        return refusal
    preview = preview_of(
        session,
        viewer.user.organisation_id,
        campaign,
        fields_of(form),
        preview_choice(form),
        viewer.language,
    )
    return page(
        request,
        "campaign_preview.html",
        viewer.language,
        viewer,
        preview=preview,
        ridings=[name for name, _ in ridings(session, viewer.user.organisation_id)],
        readonly=False,
    )


async def status_post(
    request: Request, session: Session, settings: Any, viewer: Viewer, campaign_id: str, status: str
) -> Response:
    form = read_form(await request.body())
    refusal = may_not_post(request, viewer, first(form, "csrf"), settings)
    if refusal is not None:
        return refusal
    campaign = campaign_or_refusal(request, session, viewer, campaign_id)
    if isinstance(campaign, HTMLResponse):
        return campaign
    try:
        set_status(session, campaign, status)
    except Refused as refusal_:
        session.rollback()
        errors = form_errors(refusal_.errors, viewer.language)
        form = form_of_campaign(campaign)
        return editor_page(request, session, viewer, campaign, form, status=422, errors=errors)
    return RedirectResponse(f"/console/campaigns/{campaign.id}?saved=true", status_code=303)
