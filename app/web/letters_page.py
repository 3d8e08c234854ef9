"""The supporter's letters page: every letter of one action, its state as it changes, its
text and PDF, what came back (a bounce, a reply), and a button that stops a letter while
it has not left.

Its address is the action's id sealed (`tokens.letters_page_token`): nobody can make
one or read the id from it. It is linked from the thank-you page and from the receipt
email. Nothing on it is shown once the supporter's data is erased (on request or by
retention): the page answers 410 then. The stop button posts the sealed token in its
form, so another site cannot make a browser press it (nothing else authorises the POST).
The page speaks the supporter's language; `?lang=` may change it."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import Organisation
from app.campaigns.models import Campaign
from app.db import SessionDep, utcnow
from app.delivery import digests
from app.delivery.pacing import waits_for_office_hours
from app.delivery.pdf import letter_pdf
from app.errors import LetterNotCancellable, NotFound
from app.inbound.service import replies_to
from app.letters import lifecycle
from app.letters import service as letters
from app.letters.lifecycle import LetterStatus
from app.letters.models import Action, Letter
from app.settings import Settings, SettingsDep
from app.tokens import action_of_letters_page
from app.web import i18n
from app.web.i18n import Language
from app.web.router import html, language_for, security_headers, templates
from app.web.service import parse_form

router = APIRouter(tags=["action pages"])

TEXT: dict[str, dict[Language, str]] = {
    "title": {"en": "Your letters", "fr": "Vos lettres"},
    "intro": {
        "en": 'Your letters about "{campaign}", and what has become of each. Keep this '
        "page's address to yourself: whoever has it can see your letters and stop them.",
        "fr": "Vos lettres au sujet de « {campaign} », et ce qu'il advient de chacune. Gardez "
        "l'adresse de cette page pour vous : qui l'a peut voir vos lettres et les arrêter.",
    },
    "to": {"en": "To", "fr": "À"},
    "state": {"en": "State", "fr": "État"},
    "by_email": {"en": "by email", "fr": "par courriel"},
    "by_post": {"en": "by post", "fr": "par la poste"},
    "pending_confirmation": {
        "en": "Waiting for you to confirm your email address: follow the link we emailed you.",
        "fr": "En attente de votre confirmation : suivez le lien que nous vous avons envoyé "
        "par courriel.",
    },
    "held": {
        "en": "Held: it leaves in about {minutes} min. You can still stop it.",
        "fr": "En attente : elle part dans {minutes} min environ. Vous pouvez encore l'arrêter.",
    },
    "queued": {"en": "Queued: it leaves in a moment.", "fr": "Prête : elle part sous peu."},
    "office_hours": {
        "en": "Waiting for the office's hours: it leaves when the office opens, {date}. "
        "You can still stop it.",
        "fr": "En attente des heures de bureau : elle part à l'ouverture du bureau, le "
        "{date}. Vous pouvez encore l'arrêter.",
    },
    "office_time": {"en": "office time", "fr": "heure du bureau"},
    "digest": {
        "en": "Waiting for the office's daily digest: this office takes its letters together, "
        "in one email a day. You can still stop it.",
        "fr": "En attente du résumé quotidien du bureau : ce bureau reçoit ses lettres "
        "ensemble, en un courriel par jour. Vous pouvez encore l'arrêter.",
    },
    "sending": {"en": "Being sent.", "fr": "En cours d'envoi."},
    "sent": {"en": "Sent on {date}.", "fr": "Envoyée le {date}."},
    "batched": {"en": "Being printed for the post.", "fr": "En cours d'impression."},
    "printed": {"en": "Printed for the post.", "fr": "Imprimée pour la poste."},
    "mailed": {"en": "Printed and posted on {date}.", "fr": "Imprimée et postée le {date}."},
    "failed": {
        "en": "Could not be delivered: {reason}",
        "fr": "N'a pas pu être remise : {reason}",
    },
    "bounced": {
        "en": "Sent, but the official's mail server sent it back: {reason}",
        "fr": "Envoyée, mais le serveur de courriel de l'élu l'a renvoyée : {reason}",
    },
    "cancelled": {"en": "Stopped: it will not be sent.", "fr": "Arrêtée : elle ne partira pas."},
    "expired": {
        "en": "Not sent: your email address was not confirmed in time.",
        "fr": "Non envoyée : votre adresse courriel n'a pas été confirmée à temps.",
    },
    "held_for_review": {
        "en": "Held for review by the organisation: {reason}",
        "fr": "Retenue pour examen par l'organisme : {reason}",
    },
    "no_reason": {"en": "no reason given.", "fr": "aucune raison donnée."},
    "stop": {"en": "Stop this letter", "fr": "Arrêter cette lettre"},
    "stopped": {
        "en": "Your letter to {name} was stopped: it will not be sent.",
        "fr": "Votre lettre à {name} a été arrêtée : elle ne partira pas.",
    },
    "too_late": {
        "en": "Your letter to {name} had already left: it could not be stopped.",
        "fr": "Votre lettre à {name} était déjà partie : elle n'a pas pu être arrêtée.",
    },
    "read": {"en": "Read the letter", "fr": "Lire la lettre"},
    "pdf": {"en": "Download it as a PDF", "fr": "La télécharger en PDF"},
    "text_erased": {
        "en": "Its text was erased with your personal data.",
        "fr": "Son texte a été effacé avec vos données personnelles.",
    },
    "reply_from": {
        "en": "A reply from {sender}, on {date}",
        "fr": "Une réponse de {sender}, le {date}",
    },
    "automatic": {"en": "(an automatic reply)", "fr": "(une réponse automatique)"},
    "not_found_title": {"en": "Page not found", "fr": "Page introuvable"},
    "not_found": {
        "en": "This address is not one of our letters pages. Check the link you followed.",
        "fr": "Cette adresse n'est pas celle d'une page de lettres. Vérifiez le lien que "
        "vous avez suivi.",
    },
    "gone_title": {"en": "This page was erased", "fr": "Cette page a été effacée"},
    "gone": {
        "en": "Your personal data was erased, and with it this page and your letters' text.",
        "fr": "Vos données personnelles ont été effacées, et avec elles cette page et le texte "
        "de vos lettres.",
    },
    "refreshes": {
        "en": "The states above are brought up to date every minute.",
        "fr": "Les états ci-dessus sont mis à jour chaque minute.",
    },
}


def say(key: str, language: Language, **values: object) -> str:
    """The page's own words; the words it shares with the action page come from i18n."""
    if key in TEXT:
        return TEXT[key][language].format(**values)
    return i18n.text(key, language, **values)


def local_date(moment: datetime, language: Language, clock: str = "UTC") -> str:
    months = {
        "en": "January February March April May June July August September October November "
        "December",
        "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
        "décembre",
    }[language].split()
    month = months[moment.month - 1]
    if language == "fr":
        return f"{moment.day} {month} {moment.year} à {moment:%H} h {moment:%M} ({clock})"
    return f"{month} {moment.day}, {moment.year} at {moment:%H:%M} {clock}"


@dataclass
class ReplyView:
    heading: str
    automatic: bool
    subject: str
    body_text: str


@dataclass
class LetterView:
    id: str
    recipient: str
    office: str
    channel: str
    subject: str
    state: str  # the lifecycle's status, "held", "office_hours" or "digest"
    state_text: str
    stoppable: bool
    body_text: str | None
    replies: list[ReplyView] = field(default_factory=list)


def _office(recipient: dict[str, Any], language: Language) -> str:
    role = recipient.get("role") or {}
    title = role.get(f"title_{language}") or role.get("title_en")
    if title:
        return str(title)
    district = (recipient.get("district") or {}).get("name")
    if district:
        return i18n.text("mp_for", language, district=district)
    return str(recipient.get("elected_office") or "")


def _state(
    letter: Letter, language: Language, now: datetime, office_hours: dict[str, Any] | None
) -> tuple[str, str]:
    """The letter's state as the supporter reads it: (key, sentence)."""
    if lifecycle.is_held(letter, now):
        assert letter.hold_until is not None
        minutes = max(1, -(-int((letter.hold_until - now).total_seconds()) // 60))
        return "held", say("held", language, minutes=minutes)
    if opens := waits_for_office_hours(letter, office_hours, now):
        when = local_date(opens, language, say("office_time", language))
        return "office_hours", say("office_hours", language, date=when)
    if waits_for_digest(letter):
        return "digest", say("digest", language)
    status = LetterStatus(letter.status)
    when = local_date(letter.sent_at, language) if letter.sent_at else ""
    reason = letter.failed_reason or letter.held_reason or say("no_reason", language)
    return status.value, say(status.value, language, date=when, reason=reason)


def waits_for_digest(letter: Letter) -> bool:
    """Queued for an office that takes its letters in one email a day (app.delivery.digests)."""
    delivery = letter.delivery
    return (
        letter.status == LetterStatus.QUEUED
        and delivery is not None
        and delivery.channel == digests.WAITING
    )


def _reply_view(reply: Any, language: Language) -> ReplyView:
    return ReplyView(
        heading=say(
            "reply_from",
            language,
            sender=reply.sender,
            date=local_date(reply.received_at, language),
        ),
        automatic=reply.kind != "human",
        subject=reply.subject,
        body_text=reply.body_text,
    )


def letter_views(session: Session, action: Action, language: Language) -> list[LetterView]:
    now = utcnow()
    found = list(
        session.scalars(select(Letter).where(Letter.action_id == action.id).order_by(Letter.id))
    )
    replies = replies_to(session, [letter.id for letter in found])
    office_hours = session.scalar(
        select(Organisation.office_hours).where(Organisation.id == action.organisation_id)
    )
    views = []
    for letter in found:
        state, state_text = _state(letter, language, now, office_hours)
        views.append(
            LetterView(
                id=letter.id,
                recipient=str(letter.recipient.get("display_name") or ""),
                office=_office(letter.recipient, language),
                channel=say("by_email" if letter.channel == "email" else "by_post", language),
                subject=letter.subject,
                state=state,
                state_text=state_text,
                stoppable=letter.status in lifecycle.CANCELLABLE,
                body_text=None if letter.scrubbed_at else letter.body_text,
                replies=[_reply_view(reply, language) for reply in replies.get(letter.id, [])],
            )
        )
    return views


def page_language(action: Action, lang: str | None) -> Language:
    if lang in ("en", "fr"):
        return lang  # type: ignore[return-value]
    return "fr" if action.language == "fr" else "en"


def message_page(
    request: Request, settings: Settings, language: Language, key: str, status: int
) -> HTMLResponse:
    context = {
        "t": lambda name, **values: say(name, language, **values),
        "lang": language,
        "embed": False,
        "title": say(f"{key}_title", language),
        "message": say(key, language),
    }
    return templates.TemplateResponse(
        request,
        "message.html",
        context,
        status_code=status,
        headers=security_headers(settings, embed=False),
    )


def action_of(session: Session, settings: Settings, token: str) -> Action | str:
    """The action a token names, or why none is shown: "not_found" or "gone"."""
    action_id = action_of_letters_page(settings, token)
    action = session.get(Action, action_id) if action_id else None
    if action is None:
        return "not_found"
    if action.scrubbed_at is not None:
        return "gone"
    return action


def refusal(request: Request, settings: Settings, why: str, lang: str | None) -> HTMLResponse:
    language = language_for(request, ["en", "fr"], lang)
    return message_page(request, settings, language, why, 404 if why == "not_found" else 410)


TokenPath = PathParam(max_length=500, description="The sealed address of the letters page.")
PAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: html("The supporter's letters, their states, texts, replies and stop buttons."),
    404: html("An address we did not make: a page saying so."),
    410: html("The supporter's data was erased: a page saying so."),
}


@router.get("/letters/{token}", response_class=HTMLResponse, responses=PAGE_RESPONSES)
def letters_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: str = TokenPath,
    lang: Annotated[str | None, Query(max_length=5)] = None,
    stopped: Annotated[str | None, Query(max_length=40)] = None,
    too_late: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    """Public: the page the thank-you page and the receipt email link to: each of the
    supporter's letters, its state, text and PDF, replies, and a button that stops a
    letter that has not left."""
    action = action_of(session, settings, token)
    if isinstance(action, str):
        return refusal(request, settings, action, lang)
    language = page_language(action, lang)
    campaign = session.get_one(Campaign, action.campaign_id)
    views = letter_views(session, action, language)
    names = {view.id: view.recipient for view in views}
    notice = ""
    if stopped in names:
        notice = say("stopped", language, name=names[stopped])
    elif too_late in names:
        notice = say("too_late", language, name=names[too_late])
    context = {
        "t": lambda name, **values: say(name, language, **values),
        "lang": language,
        "embed": False,
        "title": say("title", language),
        "intro": say(
            "intro",
            language,
            campaign=campaign.title.get(language) or next(iter(campaign.title.values())),
        ),
        "letters": views,
        "token": token,
        "notice": notice,
        "urls": {
            "page": f"/letters/{token}?lang={language}",
            "other_language": f"/letters/{token}?lang={'en' if language == 'fr' else 'fr'}",
            "stop": f"/letters/{token}/stop?lang={language}",
        },
    }
    return templates.TemplateResponse(
        request, "letters.html", context, headers=security_headers(settings, embed=False)
    )


async def stop_form(request: Request) -> dict[str, str]:
    return parse_form(await request.body(), known=("token", "letter"))


@router.post(
    "/letters/{token}/stop",
    response_class=Response,
    status_code=303,
    responses={
        303: {"description": "Back to the letters page, saying whether the letter stopped."},
        403: html("The form's token is not the page's: nothing is stopped."),
        404: PAGE_RESPONSES[404],
        410: PAGE_RESPONSES[410],
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"token": {"type": "string"}, "letter": {"type": "string"}},
                    },
                    "example": {
                        "token": "gAAAAABnR3...",
                        "letter": "ltr_01JD3ZK8Y2M0000000000000000",
                    },
                }
            },
        }
    },
)
def stop_letter(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[dict[str, str], Depends(stop_form)],
    token: str = TokenPath,
    lang: Annotated[str | None, Query(max_length=5)] = None,
) -> Response:
    """Public: the letters page's "stop this letter" button. The form carries the page's
    sealed token (a page on another site cannot know it, so cannot press the button for
    the supporter); answers 303 back to the page, which says what happened."""
    action = action_of(session, settings, token)
    if isinstance(action, str):
        return refusal(request, settings, action, lang)
    language = page_language(action, lang)
    if action_of_letters_page(settings, form.get("token", "")) != action.id:
        return message_page(request, settings, language, "not_found", 403)
    letter_id = form.get("letter", "")[:40]
    try:
        letters.stop_letter(session, action.id, letter_id)
        outcome = "stopped"
    except LetterNotCancellable as error:
        # Pressed twice (two tabs): the letter is stopped all the same.
        cancelled = error.extra.get("letter_status") == LetterStatus.CANCELLED
        outcome = "stopped" if cancelled else "too_late"
    except NotFound:
        return message_page(request, settings, language, "not_found", 404)
    return RedirectResponse(
        f"/letters/{token}?lang={language}&{outcome}={letter_id}#letter-{letter_id}",
        status_code=303,
    )


@router.get(
    "/letters/{token}/{letter_id}.pdf",
    response_class=Response,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The letter laid out for the post, as it is printed.",
        },
        404: PAGE_RESPONSES[404],
        410: PAGE_RESPONSES[410],
    },
)
def letter_pdf_of_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: str = TokenPath,
    letter_id: str = PathParam(max_length=40),
) -> Response:
    """Public: one of the supporter's letters as a PDF, from their letters page."""
    action = action_of(session, settings, token)
    if isinstance(action, str):
        return refusal(request, settings, action, None)
    letter = session.get(Letter, letter_id)
    if letter is None or letter.action_id != action.id or not letter.parts:
        return refusal(request, settings, "not_found", None)
    if letter.scrubbed_at is not None:
        return refusal(request, settings, "gone", None)
    return Response(
        letter_pdf(dict(letter.parts), page_size=settings.page_size),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{letter.id}.pdf"',
            "Cache-Control": "no-store",
        },
    )
