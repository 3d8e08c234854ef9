"""The page a question's links open, and the public responsiveness page.

The question's links name an answer, but following one only shows the page, with that
answer chosen; the answer is recorded by the page's button, a POST, which answers 303 to
the page (Post/Redirect/Get): mail scanners and link previews follow every link in an
email, and must not answer for the supporter. The token is an HMAC of the question's id
(app.tokens): 128 bits nobody can guess, so the page needs no rate limit of its own."""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from app.campaigns.rendering import localised_date
from app.campaigns.service import published_campaign
from app.db import SessionDep, utcnow
from app.errors import NotFound
from app.impact import words
from app.impact.questionnaires import ANSWERS, Asked, NotToAsk, asked_by_link, record_answer
from app.inbound.figures import responsiveness
from app.inbound.schemas import CampaignResponsiveness
from app.settings import Settings
from app.web import i18n
from app.web.i18n import Language
from app.web.router import (
    LangQuery,
    SlugPath,
    html,
    language_for,
    not_found_page,
    security_headers,
    templates,
)
from app.web.service import parse_form

router = APIRouter(tags=["action pages"])

QuestionPath = PathParam(max_length=40, description="The question's id, from the email's link.")
TokenQuery = Query(max_length=100, description="The token from the email's link.")
AnswerQuery = Query(
    max_length=10, description="The answer the link named (`yes`, `no`, `not_yet`): chosen "
    "on the page, not recorded."
)  # fmt: skip
QUESTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: html("The question with its answers and a button; or, once answered, a thank-you."),
    303: {"description": "Answer recorded: back to the page, which thanks the supporter."},
    404: html("A link we did not send: a page saying so."),
    410: html("The supporter's details were erased: a page saying so."),
    422: html("No answer chosen: the page again, saying so beside the choices."),
}


def say(language: Language) -> Any:
    """The pages' `t`: their own words, then the action page's (the header, the footer)."""

    def t(key: str, **values: object) -> str:
        if key in words.STRINGS:
            return words.text(key, language, **values)
        return i18n.text(key, language, **values)

    return t


def page(
    request: Request, template: str, language: Language, status: int = 200, **values: Any
) -> HTMLResponse:
    settings: Settings = request.app.state.settings
    context = {"t": say(language), "lang": language, "embed": False} | values
    return templates.TemplateResponse(
        request,
        template,
        context,
        status_code=status,
        headers=security_headers(settings, embed=False),
    )


def refusal(request: Request, language: Language, status: int, key: str) -> HTMLResponse:
    return page(
        request,
        "questionnaire.html",
        language,
        status,
        title=words.text("question_invalid_title", language),
        message=words.text(key, language),
        asked=None,
    )


def question_page(
    request: Request, asked: Asked, token: str, chosen: str | None, status: int = 200
) -> HTMLResponse:
    language: Language = "fr" if asked.language == "fr" else "en"
    sent_at = asked.letter.sent_at or asked.letter.created_at
    answered = asked.questionnaire.answer
    thanked = chosen is None and answered is not None and status == 200
    return page(
        request,
        "questionnaire.html",
        language,
        status,
        title=words.text("question_title", language, official=asked.official),
        message=words.text(
            "question_context",
            language,
            date=localised_date(sent_at.date(), language),
            official=asked.official,
            title=asked.title,
            organisation=asked.organisation,
        ),
        asked=asked,
        answers=ANSWERS,
        chosen=chosen if chosen in ANSWERS else answered,
        thanked=thanked,
        recorded=words.text(f"answer_{answered}", language) if answered else "",
        form_action=f"/questionnaires/{asked.questionnaire.id}",
        token=token,
        invalid=status == 422,
    )


def _opened(
    request: Request, session: Session, questionnaire_id: str, token: str
) -> Asked | HTMLResponse:
    """The question the link names, or the page that refuses it."""
    settings: Settings = request.app.state.settings
    try:
        asked = asked_by_link(session, settings, questionnaire_id, token)
    except NotToAsk:
        return refusal(request, language_for(request, ["en", "fr"], None), 404, "question_invalid")
    if asked.action.scrubbed_at is not None:
        language: Language = "fr" if asked.language == "fr" else "en"
        return refusal(request, language, 410, "question_erased")
    return asked


@router.get(
    "/questionnaires/{questionnaire_id}",
    response_class=HTMLResponse,
    responses=QUESTION_RESPONSES,
)
def reply_question(
    request: Request,
    session: SessionDep,
    questionnaire_id: str = QuestionPath,
    token: Annotated[str, TokenQuery] = "",
    answer: Annotated[str | None, AnswerQuery] = None,
) -> HTMLResponse:
    """Public: a link in the email asking whether the official answered. Shows the
    question with the link's answer chosen and a button that records it (a POST to the
    same address); following the link records nothing."""
    opened = _opened(request, session, questionnaire_id, token)
    if isinstance(opened, HTMLResponse):
        return opened
    return question_page(request, opened, token, answer if answer in ANSWERS else None)


async def answer_form(request: Request) -> dict[str, str]:
    return parse_form(await request.body(), known=("token", "answer"))


@router.post(
    "/questionnaires/{questionnaire_id}",
    response_class=HTMLResponse,
    responses=QUESTION_RESPONSES,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "token": {"type": "string"},
                            "answer": {"type": "string", "enum": list(ANSWERS)},
                        },
                    },
                    "example": {"token": "a29e5c49a453295427b1a89aacb4d130", "answer": "yes"},
                }
            },
        }
    },
)
def answer_question(
    request: Request,
    session: SessionDep,
    form: Annotated[dict[str, str], Depends(answer_form)],
    questionnaire_id: str = QuestionPath,
) -> Response:
    """Public: the question page's button. Records the answer (a later one replaces it)
    and answers 303 to the page, which thanks the supporter."""
    token = form.get("token", "")[:100]
    opened = _opened(request, session, questionnaire_id, token)
    if isinstance(opened, HTMLResponse):
        return opened
    answer = form.get("answer", "")
    if answer not in ANSWERS:
        return question_page(request, opened, token, None, status=422)
    record_answer(session, opened, answer)
    return RedirectResponse(f"/questionnaires/{questionnaire_id}?token={token}", status_code=303)


# The league table's care (WriteToThem's): a figure rests on at least this many letters,
# or the page says there are too few to say; an official with one unanswered letter is
# not shamed, nor one with one answered praised.
PUBLIC_MINIMUM = 5


@dataclass(frozen=True)
class LeagueRow:
    name: str
    office: str
    sent: str
    share: str | None
    median_days: str | None


def _share(answered: int, known: int, language: Language) -> str | None:
    if known < PUBLIC_MINIMUM:
        return None
    percent = round(100 * answered / known)
    return f"{percent}\u202f%" if language == "fr" else f"{percent}%"


def _days(value: float | None, captured: int, language: Language) -> str | None:
    if value is None or captured < PUBLIC_MINIMUM:
        return None
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if language == "fr" else shown


def league(figures: CampaignResponsiveness, language: Language) -> list[LeagueRow]:
    """The officials, those with a share shown first, best answered first; the others
    (too few letters whose outcome is known) after, most letters first."""
    offices = {holder: o.office for o in figures.offices for holder in o.holders}
    rows = [
        (
            (r.reply_rate if r.outcomes_known >= PUBLIC_MINIMUM else -1.0),
            LeagueRow(
                name=r.display_name,
                office=offices.get(r.display_name, ""),
                sent=i18n.number(r.letters_sent, language),
                share=_share(r.letters_answered, r.outcomes_known, language),
                median_days=_days(r.median_days_to_reply, r.replies_captured, language),
            ),
        )
        for r in figures.recipients
    ]
    rows.sort(key=lambda ranked: -(ranked[0] or 0.0))
    return [row for _, row in rows]


def _date(value: datetime | None, language: Language) -> str:
    return localised_date((value or utcnow()).date(), language)


@router.get(
    "/c/{slug}/responsiveness",
    response_class=HTMLResponse,
    responses={
        200: html("The league table: who answered the campaign's letters, and how fast."),
        404: html("No such campaign, or its organisation does not show these figures."),
    },
)
def public_responsiveness(
    request: Request,
    session: SessionDep,
    slug: str = SlugPath,
    lang: Annotated[str | None, LangQuery] = None,
) -> HTMLResponse:
    """Public, where the campaign turns it on (`responsiveness_public`): per official,
    the emailed letters sent, the share answered and the median days to a reply, with
    the dates of the period; a figure shows only when it rests on at least
    5 letters."""
    try:
        campaign = published_campaign(session, slug)
    except NotFound:
        campaign = None
    if campaign is None or not campaign.responsiveness_public:
        return not_found_page(request, lang, embed=False)
    language = language_for(request, campaign.languages, lang)
    figures = responsiveness(session, campaign)
    title = campaign.title.get(language) or next(iter(campaign.title.values()))
    period = figures.period
    return page(
        request,
        "responsiveness.html",
        language,
        title=words.text("responsiveness_title", language, title=title),
        rows=league(figures, language),
        period=words.text(
            "responsiveness_period",
            language,
            start=_date(period.first_sent_at, language),
            end=_date(period.last_sent_at, language),
            today=_date(None, language),
        )
        if period.first_sent_at
        else words.text("responsiveness_none", language),
        how=words.text("responsiveness_how", language, minimum=PUBLIC_MINIMUM),
        campaign_link=f"/c/{campaign.slug}?lang={language}",
        other_language=(
            f"/c/{campaign.slug}/responsiveness?lang={'en' if language == 'fr' else 'fr'}"
            if len(campaign.languages) > 1
            else ""
        ),
    )
