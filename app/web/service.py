"""What the action page does between a browser's form and the letters service: the
form's fields become the same ActionCreate the JSON API takes, the errors the API would
answer become messages beside the form's fields, and recipients, letters and warnings are
named as the page shows them, in its language."""

from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign
from app.directory.lookup import DistrictProvider
from app.directory.service import search_districts
from app.errors import DomainError, InvalidInput, TooManyRequests, UpstreamUnavailable
from app.fields import PROVINCES, fold, normalise_postal_code
from app.letters import service as letters
from app.letters.messages import WRITTEN_PARTS, plain_field_errors, say
from app.letters.schemas import (
    ORIGIN_FIELDS,
    ActionCreate,
    LetterRecipient,
    PreviewOut,
    QualityWarning,
)
from app.web import i18n
from app.web.arrival import posted_arrival
from app.web.i18n import Language
from app.web.schemas import PageDistrict, PageRecipient, PageTargets

SUPPORTER_FIELDS = (
    "first_name", "last_name", "email", "street_address", "city", "province", "postal_code",
)  # fmt: skip
TEXT_FIELDS = (*SUPPORTER_FIELDS, "subject", "intro", "concern", "ask", "district")
FORM_LEVEL = "form"  # errors that belong to no one field
# Refusals the letters service words in the letter's language, which is the page's.
QUALITY_REFUSALS = (
    "abusive_language", "intro_too_short", "copied_campaign_text",
    "province_contradicts_postal_code",
)  # fmt: skip
MAX_PAIRS = 50


# `district_search`: words of a district's or an MP's name, for a postal code no table knows.
# `district_offered`: the page has offered that choice (a second Send goes without it);
# `email_checked`: the address the page suggested another for (sent as is, it is kept).
# The utm_* tags and `embedded_on`: where the supporter came from (app.web.arrival).
PAGE_FORM_FIELDS = (
    *TEXT_FIELDS, "district_search", "district_offered", "email_checked", "consent_to_contact",
    "intent", *ORIGIN_FIELDS,
)  # fmt: skip
SEARCH_MIN, SEARCH_MAX = 2, 100


def parse_form(raw: bytes, known: tuple[str, ...] = PAGE_FORM_FIELDS) -> dict[str, str]:
    """An application/x-www-form-urlencoded body; the first value of each known field.
    Bytes that are not UTF-8 are replaced, so they fail validation as text, not here.
    Only the first 50 pairs are read (the page sends fewer): a padded form is answered
    as the page, with what it lacks beside each field."""
    values: dict[str, str] = {}
    first_pairs = "&".join(raw.decode("utf-8", "replace").split("&", MAX_PAIRS)[:MAX_PAIRS])
    for name, value in parse_qsl(first_pairs, keep_blank_values=True):
        if name in known and name not in values:
            values[name] = value
    return values


def writable_parts(campaign: Campaign) -> list[str]:
    """The concern and ask the supporter may write or change on this campaign."""
    return [p for p in ("concern", "ask") if p in campaign.may_edit or p in campaign.must_write]


def action_of(form: dict[str, str], campaign: Campaign, language: Language) -> ActionCreate:
    """The form as the JSON API's body. A part the campaign does not let the supporter
    change is left out, whatever was posted, as the page shows it as text."""
    body: dict[str, Any] = {
        "supporter": {name: form.get(name, "") for name in SUPPORTER_FIELDS},
        "language": language,
        "intro": form.get("intro", ""),
        "consent_to_contact": form.get("consent_to_contact") == "yes",
        "district": form.get("district") or None,
    } | posted_arrival(form)
    for part in writable_parts(campaign):
        if part in form:
            body[part] = form[part]
    if campaign.subject_editable and form.get("subject", "").strip():
        body["subject"] = form["subject"]
    try:
        return ActionCreate.model_validate(body)
    except ValidationError as error:
        raise InvalidInput(errors=plain_field_errors(error.errors(), language)) from error


@dataclass
class FormErrors:
    """Messages by form field (FORM_LEVEL for the form as a whole), and the districts to
    choose from when a postal code straddles several."""

    messages: dict[str, str] = field(default_factory=dict)
    districts: list[str] = field(default_factory=list)


def form_field(api_field: str) -> str:
    """'supporter.email' -> 'email'; fields of no form input belong to the form."""
    name = api_field.removeprefix("supporter.")
    return name if name in (*TEXT_FIELDS, "district_search") else FORM_LEVEL


def form_errors(error: DomainError, form: dict[str, str], language: Language) -> FormErrors:
    """The API's answer to a bad action, as messages beside the page's fields."""
    found = FormErrors()
    if isinstance(error, UpstreamUnavailable):
        found.messages[FORM_LEVEL] = i18n.text("lookup_unavailable", language)
        return found
    if isinstance(error, TooManyRequests):
        minutes = max(1, -(-int(error.extra.get("retry_after", 60)) // 60))
        found.messages[FORM_LEVEL] = i18n.text("too_many", language, minutes=minutes)
        return found
    if error.status == 409:
        found.messages[FORM_LEVEL] = i18n.text("closed_short", language)
        return found
    candidates = error.extra.get("candidates")
    if isinstance(candidates, list):
        found.districts = [str(name) for name in candidates]
    unreachable = []
    for entry in error.errors or []:
        name = form_field(str(entry.get("field", "")))
        if entry.get("field") == "recipients":
            unreachable.append(str(entry.get("message", "")))
        elif name not in found.messages:
            found.messages[name] = error_message(name, entry, form, language, bool(found.districts))
    if unreachable:
        reasons = " ".join(reason.rstrip(".") + "." for reason in unreachable)
        found.messages[FORM_LEVEL] = f"{i18n.text('no_recipients', language)} {reasons}"
    if not found.messages:
        found.messages[FORM_LEVEL] = error.detail or error.title
    return found


def error_message(
    name: str, entry: dict[str, Any], form: dict[str, str], language: Language, choosing: bool
) -> str:
    code = str(entry.get("code", ""))
    message = str(entry.get("message", ""))
    if name == FORM_LEVEL:
        return message
    if not form.get(name, "").strip():
        chosen = {"district": "choose_district", "province": "province_invalid"}
        return i18n.text(chosen.get(name, "required"), language)
    if code in QUALITY_REFUSALS or (name in WRITTEN_PARTS and code.startswith("string_too")):
        return message  # the letters service said it in the letter's, the page's, language
    if code == "string_too_short":
        return i18n.text("too_short", language, min=i18n.MIN_LENGTHS.get(name, 1))
    if code == "string_too_long":
        return i18n.text("too_long", language, max=i18n.MAX_LENGTHS.get(name, 300))
    if "control characters" in message:
        return i18n.text("control_characters", language)
    if name in ("email", "postal_code", "province"):
        return i18n.text(f"{name}_invalid", language)
    if name == "district":
        return i18n.text("choose_district" if choosing else "not_your_district", language)
    return message


def warning_for_page(
    warning: QualityWarning, campaign: Campaign, language: Language
) -> QualityWarning:
    """A warning as the page shows it: in its language, and beside a text the supporter
    can change (the letter being the campaign's text is said beside the first part they
    may edit, not beside one shown as fixed)."""
    part = warning.part
    writable = writable_parts(campaign)
    if warning.code == "default_text" and part not in writable and writable:
        part = writable[0]  # type: ignore[assignment]
    return warning.model_copy(update={"part": part, "message": warning_message(warning, language)})


# The letters service's "no MP found" in either language: the page says it in its own words.
MP_NOT_FOUND = {say("mp_not_found", "en"), say("mp_not_found", "fr")}


def warning_message(warning: QualityWarning, language: Language) -> str:
    """A warning in the page's language: quality warnings come in the letter's language,
    which is the page's; those about recipients name people and reasons, and are said as
    the service says them."""
    key = f"warning_{warning.code}"
    if key in i18n.STRINGS:
        return i18n.text(key, language)
    if warning.code == "recipient_not_found" and warning.message in MP_NOT_FOUND:
        return i18n.text("mp_not_found", language)
    return warning.message


def province_choices(language: Language) -> list[tuple[str, str]]:
    index = 0 if language == "en" else 1
    return sorted(((code, names[index]) for code, names in PROVINCES.items()), key=lambda c: c[1])


def page_recipient(recipient: LetterRecipient, language: Language) -> PageRecipient:
    if recipient.role:
        office = recipient.role
    elif recipient.district:
        office = i18n.text("mp_for", language, district=recipient.district)
    else:
        office = recipient.elected_office or ""
    return PageRecipient(name=recipient.display_name, office=office)


def targets_of(
    session: Session,
    campaign: Campaign,
    provider: DistrictProvider,
    form: dict[str, str],
    language: Language,
) -> PageTargets:
    """Who the letter goes to as far as the form says: role holders at once, the MP once
    the postal code is known (all candidates' districts where it straddles several). A
    postal code no table knows is said so (`choose_district`): the supporter may choose
    their district by its name or their MP's, and the chosen district's MP is named."""
    try:
        postal_code: str | None = normalise_postal_code(form.get("postal_code", ""))
    except ValueError:
        postal_code = None
    district = form.get("district") or None
    districts: list[str] = []
    try:
        found, warnings = letters.targets_for(
            session, campaign, provider, postal_code, None, language
        )
    except InvalidInput as error:
        districts = [str(name) for name in error.extra.get("candidates", [])]
        found, warnings = letters.targets_for(session, campaign, provider, None, None, language)
    except DomainError:  # the lookup service is down: the page still shows who it can
        found, warnings = letters.targets_for(session, campaign, provider, None, None, language)
    unknown = any(warning.message in MP_NOT_FOUND for warning in warnings)
    if district and (districts or unknown):
        # A district that is not one of this code's, or none we know: as before.
        with suppress(DomainError):
            found, warnings = letters.targets_for(
                session, campaign, provider, postal_code, district, language
            )
    return PageTargets(
        postal_code=postal_code,
        recipients=[page_recipient(recipient, language) for recipient in found],
        warnings=[warning_message(warning, language) for warning in warnings],
        districts=districts,
        choose_district=unknown,
    )


def district_choices(
    session: Session, campaign: Campaign, q: str, language: Language
) -> list[PageDistrict]:
    """Districts whose name or whose MP's name holds the words of `q`, each with its
    MPs named: the choice for a postal code no table knows."""
    found = search_districts(session, campaign.organisation_id, q)
    choices = []
    for district in found.districts:
        mps = [
            mp.display_name
            for mp in district.representatives
            if fold(mp.elected_office or "") == "mp"
        ]
        if not mps:
            continue
        names = i18n.join_names(mps, language)
        label = f"{district.name} ({district.province})" if district.province else district.name
        choices.append(
            PageDistrict(
                name=district.name,
                mps=mps,
                label=i18n.text("district_choice", language, district=label, mps=names),
            )
        )
    return choices


def preview_view(preview: PreviewOut, campaign: Campaign, language: Language) -> dict[str, Any]:
    letters_shown = [
        {
            "recipient": page_recipient(letter.recipient, language),
            "channel": i18n.text("by_email" if letter.channel == "email" else "by_post", language),
            "subject": letter.subject,
            "body_text": letter.body_text,
            "own_words": i18n.text(
                "own_words", language, percent=round(letter.own_words_share * 100)
            ),
        }
        for letter in preview.letters
    ]
    warnings: dict[str, list[str]] = {}
    for warning in preview.warnings:
        shown = warning_for_page(warning, campaign, language)
        warnings.setdefault(shown.part, []).append(shown.message)
    return {"letters": letters_shown, "warnings": warnings}
