from collections.abc import Callable, Coroutine
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.auth.deps import (
    CampaignsReader,
    ConstituentsReader,
    LettersReader,
    LettersWriter,
    OptionalPrincipal,
)
from app.auth.scopes import Scope, grants
from app.auth.service import Principal
from app.campaigns.held import live_campaign
from app.campaigns.service import get_campaign
from app.db import SessionDep
from app.directory.deps import DistrictProviderDep
from app.errors import InvalidInput, LetterNotHeld
from app.letters import actions, readdressing, service
from app.letters.limits import ActionsByCaller, submits_for_supporters
from app.letters.messages import language_of_body, plain_field_errors, say
from app.letters.results import results
from app.letters.schemas import (
    ActionCreate,
    ActionList,
    ActionOut,
    ActionRecord,
    ActionSource,
    CampaignResults,
    CampaignStats,
    Confirmation,
    ConfirmationState,
    LetterDetail,
    LetterList,
    LetterStatus,
    PreviewOut,
)
from app.pagination import ChangingWindow, Window
from app.rate_limits import (
    ConfirmationsByAddress,
    check_supporter_email,
    hold_past_address_limit,
)
from app.responses import (
    DUPLICATE_ACTION_OR_CLOSED,
    LETTER_NOT_CANCELLABLE,
    NOT_FOUND,
    RATE_LIMITED,
    UNAUTHENTICATED,
    UPSTREAM,
    conflict,
    gone,
)
from app.settings import SettingsDep


class LetterLanguageRoute(APIRoute):
    """A letter's body refused by the schema is answered in the letter's language, with
    plain words for the parts the supporter writes ("Your introduction is 6,000
    characters; please keep it under 1,500."), as the quality checks answer. The language
    is the body's `language`, else English: an action without one is in its campaign's
    first language, which is not known before the body is read."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def in_the_letters_language(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                raw = error.errors()
                if any(entry.get("type") == "json_invalid" for entry in raw):
                    raise
                language = language_of_body(error.body, "en")
                raise InvalidInput(
                    say("invalid_body", language), errors=plain_field_errors(raw, language)
                ) from error

        return in_the_letters_language


router = APIRouter(tags=["actions"], route_class=LetterLanguageRoute)

CampaignName = Annotated[
    str, Path(max_length=80, description="The campaign's `cmp_` id, or its slug.")
]

SlugPath = Path(max_length=80, description="The campaign's slug, or its `cmp_` id.")


@router.post(
    "/v1/campaigns/{slug}/actions",
    status_code=201,
    response_model=ActionOut,
    responses=NOT_FOUND | UPSTREAM | DUPLICATE_ACTION_OR_CLOSED | UNAUTHENTICATED | RATE_LIMITED,
    # Public; a key is optional (it may be told of a repeat).
    openapi_extra={"security": [{}, {"HTTPBearer": []}]},
)
def take_action(
    request: Request,
    held: ActionsByCaller,
    body: ActionCreate,
    session: SessionDep,
    provider: DistrictProviderDep,
    principal: OptionalPrincipal,
    response: Response,
    slug: str = SlugPath,
) -> ActionOut:
    """Public: a supporter writes. One letter per target is rendered and stored, with its
    queued delivery, in one transaction; the answer holds the letters and any warnings.
    Rate-limited per supporter email (429 with Retry-After). Past the limit per client
    address, the action is taken but its letters wait for the supporter to confirm by
    email (`confirmation` is `pending`, `next_step` says so), as for a campaign that asks
    for confirmation: many supporters may share one address; past a wider limit of held
    actions, 429. With an `actions:write` key of the campaign's organisation, per key
    instead of per address (and per the supporter's address if
    `Letterdesk-Supporter-Address` gives it).

    An address that already acted here is answered as a first action (201, the letters
    of what was sent, ids that name nothing stored) and nothing more is sent but a
    notice to that address; only a key that may read the organisation's letters gets
    409 with the first action's `action_id`. A key sent must be live (else 401)."""
    check_supporter_email(request, body.supporter.email)
    campaign = live_campaign(session, slug)
    own_key = principal is not None and principal.organisation_id == campaign.organisation_id
    if submits_for_supporters(principal) and not own_key:
        # Another organisation's key: counted as the public is.
        held = hold_past_address_limit(request) or held
    reveal = principal is not None and may_read_letters(principal, campaign.organisation_id)
    settings = request.app.state.settings
    source: ActionSource = "key" if own_key else "api"
    taken = service.take_action(
        session,
        campaign,
        body,
        provider,
        settings,
        reveal_repeat=reveal,
        source=source,
        confirm_by_email=held,
    )
    response.headers["Location"] = f"/v1/actions/{taken.id}"
    return taken


def may_read_letters(principal: Principal, organisation_id: str) -> bool:
    return principal.organisation_id == organisation_id and grants(
        principal.scopes, Scope.LETTERS_READ
    )


@router.post(
    "/v1/campaigns/{campaign_id}/preview",
    response_model=PreviewOut,
    responses=NOT_FOUND | UPSTREAM,
)
def preview_letters(
    provider: DistrictProviderDep,
    campaign_id: CampaignName,
    body: ActionCreate,
    principal: CampaignsReader,
    session: SessionDep,
) -> PreviewOut:
    """The letters an action with this body would write, exactly; nothing is stored."""
    campaign = get_campaign(session, principal.organisation_id, campaign_id)
    return service.preview(session, campaign, body, provider)


@router.get(
    "/v1/campaigns/{campaign_id}/results", response_model=CampaignResults, responses=NOT_FOUND
)
def campaign_results(
    principal: CampaignsReader, session: SessionDep, campaign_id: CampaignName
) -> CampaignResults:
    """A campaign's results (scope `campaigns:read`): actions per day, progress to the
    goal, the share confirmed, letters by state and channel, by recipient and by riding,
    and where actions came from. The console's results page shows the same figures."""
    campaign = get_campaign(session, principal.organisation_id, campaign_id)
    return results(session, campaign)


@router.get("/v1/campaigns/{slug}/stats", response_model=CampaignStats, responses=NOT_FOUND)
def campaign_stats(session: SessionDep, slug: str = SlugPath) -> CampaignStats:
    """Public: how many people took action and how many letters went out."""
    return service.stats(session, slug)


@router.get("/v1/letters", response_model=LetterList, tags=["letters"])
def list_letters(
    principal: LettersReader,
    session: SessionDep,
    window: ChangingWindow,
    campaign_id: Annotated[str | None, Query(max_length=40)] = None,
    status: LetterStatus | None = None,
    channel: Literal["email", "print"] | None = None,
    recipient_id: Annotated[str | None, Query(max_length=40)] = None,
) -> LetterList:
    """The organisation's letters and where each stands. For a sync, read in
    `sort=updated_at` order and keep the last page's `next_cursor`: sent again later, it
    answers the letters whose status changed since."""
    filters = service.LetterFilters(campaign_id, status, channel, recipient_id)
    page = service.list_letters(session, principal.organisation_id, filters, window)
    return LetterList.model_validate(page, from_attributes=True)


@router.get(
    "/v1/letters/{letter_id}", response_model=LetterDetail, tags=["letters"], responses=NOT_FOUND
)
def get_letter(letter_id: str, principal: LettersReader, session: SessionDep) -> LetterDetail:
    """The letter as sent (or to be sent), its status, and every delivery attempt."""
    return service.letter_detail(service.get_letter(session, principal.organisation_id, letter_id))


@router.post(
    "/v1/letters/{letter_id}/cancel",
    response_model=LetterDetail,
    tags=["letters"],
    responses=NOT_FOUND | LETTER_NOT_CANCELLABLE,
)
def cancel_letter(letter_id: str, principal: LettersWriter, session: SessionDep) -> LetterDetail:
    """Stop a letter that has not left yet (waiting for confirmation, or queued)."""
    letter = service.cancel_letter(session, principal.organisation_id, letter_id)
    return service.letter_detail(letter)


@router.post(
    "/v1/letters/{letter_id}/release",
    response_model=LetterDetail,
    tags=["letters"],
    responses=NOT_FOUND
    | conflict(
        LetterNotHeld,
        "the letter is not held for review, or its role has no single holder today "
        "(`letter_status` says where the letter stands).",
        "This letter cannot be released yet. The role has no holder today.",
        letter_status="held_for_review",
    ),
)
def release_letter(letter_id: str, principal: LettersWriter, session: SessionDep) -> LetterDetail:
    """Let a letter held for review go: it is written again to whoever holds its role
    today (in their forms of address, with the supporter's words as they were), recorded
    on the letter (`readdressed_from`) and told to webhooks (`letter.readdressed`), and
    queued to be sent now."""
    letter = readdressing.release_held_letter(
        session, principal.organisation_id, letter_id, date.today()
    )
    return service.letter_detail(letter)


@router.get("/v1/actions", response_model=ActionList, tags=["actions"])
def list_actions(
    principal: ConstituentsReader,
    session: SessionDep,
    window: Window,
    campaign_id: Annotated[str | None, Query(max_length=40)] = None,
    consent_to_contact: bool | None = None,
    confirmation: ConfirmationState | None = None,
    created_before: Annotated[
        datetime | None, Query(description="Only actions taken before this instant.")
    ] = None,
) -> ActionList:
    """The organisation's actions (oldest first unless `order=desc`): each supporter,
    their consent to hear from you, your `metadata`, and where each of their letters
    stands. Personal data: the key needs constituents:read."""
    filters = actions.ActionFilters(campaign_id, consent_to_contact, confirmation, created_before)
    page = actions.list_actions(session, principal.organisation_id, filters, window)
    return ActionList.model_validate(page, from_attributes=True)


@router.get(
    "/v1/actions/{action_id}", response_model=ActionRecord, tags=["actions"], responses=NOT_FOUND
)
def get_action(
    action_id: Annotated[str, Path(max_length=40)],
    principal: ConstituentsReader,
    session: SessionDep,
) -> ActionRecord:
    """One action, as the list shows it. Personal data: the key needs constituents:read."""
    return actions.get_action(session, principal.organisation_id, action_id)


@router.get(
    "/v1/actions/{action_id}/confirm",
    response_model=Confirmation,
    tags=["actions"],
    responses=NOT_FOUND | gone("Expired, or the supporter's details were erased.") | RATE_LIMITED,
)
def confirm_action(
    settings: SettingsDep,
    _: ConfirmationsByAddress,
    action_id: Annotated[str, Path(max_length=40)],
    token: Annotated[str, Query(max_length=100)],
    session: SessionDep,
) -> Confirmation:
    """Public: the link in a supporter's confirmation email. Following it again is
    harmless."""
    queued = service.confirm_action(session, action_id, token, settings)
    return Confirmation(letters_queued=queued)
