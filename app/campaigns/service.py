import re
from typing import Any

from jinja2 import Template
from pydantic import ValidationError
from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.campaigns.models import Campaign, CampaignCounter
from app.campaigns.rendering import (
    render_text,
    sample_context,
    shipped_template,
    template_from_text,
)
from app.campaigns.schemas import (
    CAMPAIGN_FIELDS,
    SLUG_PATTERN,
    CampaignCreate,
    CampaignFields,
    CampaignUpdate,
)
from app.directory.models import Recipient
from app.errors import CampaignClosed, InvalidInput, NotFound, SlugFixed, SlugTaken, field_errors
from app.ids import is_well_formed
from app.pagination import Keys, ListWindow, Page, page_of


def _check_targets(session: Session, organisation_id: str, fields: CampaignFields) -> None:
    named = {
        index: target.recipient_id
        for index, target in enumerate(fields.targets)
        if target.type == "recipient"
    }
    if not named:
        return
    found = set(
        session.scalars(
            select(Recipient.id).where(
                Recipient.organisation_id == organisation_id,
                Recipient.id.in_([rid for rid in named.values() if is_well_formed(rid)]),
            )
        )
    )
    errors = [
        {"field": f"targets.{index}.recipient_id", "in": "body", "message": "names no recipient"}
        for index, recipient_id in named.items()
        if recipient_id not in found
    ]
    if errors:
        raise InvalidInput(errors=errors)


def _check_templates(fields: CampaignFields) -> None:
    """An organisation's template is tried on a sample letter when saved, so that a typo
    fails here and not in front of a supporter."""
    for language, text in (fields.template_text or {}).items():
        field = f"template_text.{language}"
        render_text(template_from_text(text, field), sample_context(language), field)


def _save(session: Session, campaign: Campaign) -> Campaign:
    slug, organisation_id, campaign_id = campaign.slug, campaign.organisation_id, campaign.id
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _slug_taken(session, slug, organisation_id, campaign_id) from None
    return campaign


def _slug_taken(
    session: Session, slug: str, organisation_id: str, campaign_id: str | None
) -> SlugTaken:
    """Slugs are unique in an organisation, and among published campaigns across all of
    them (the public pages name a campaign by slug alone): say which one a slug met."""
    ours = session.scalar(
        select(Campaign.id).where(
            Campaign.organisation_id == organisation_id,
            Campaign.slug == slug,
            Campaign.id != campaign_id,
        )
    )
    if ours is not None:
        return SlugTaken(
            f"Your campaign {ours} has this slug.",
            errors=[{"field": "slug", "in": "body", "message": "is taken"}],
        )
    return SlugTaken(
        "A published campaign of another organisation has this slug, and the public "
        "pages (/c/{slug}) name a campaign by its slug alone. Choose another.",
        errors=[{"field": "slug", "in": "body", "message": "is taken on the public pages"}],
    )


def create_campaign(session: Session, organisation_id: str, fields: CampaignCreate) -> Campaign:
    _check_targets(session, organisation_id, fields)
    _check_templates(fields)
    campaign = Campaign(organisation_id=organisation_id, counters=CampaignCounter())
    _assign(campaign, fields)
    session.add(campaign)
    return _save(session, campaign)


def draft_campaign(organisation_id: str, fields: CampaignFields) -> Campaign:
    """A campaign made of `fields` and stored nowhere: what the console's editor renders
    its preview letters from while the organiser types."""
    campaign = Campaign(organisation_id=organisation_id)
    _assign(campaign, fields)
    return campaign


def _assign(campaign: Campaign, fields: CampaignFields) -> None:
    values = fields.model_dump(mode="json")
    for name in CAMPAIGN_FIELDS:
        setattr(campaign, name, values[name])


_SLUG = re.compile(SLUG_PATTERN)


def find_campaign(
    session: Session, name: str, organisation_id: str | None = None
) -> Campaign | None:
    """The campaign `name` names: its `cmp_` id, or its slug (a slug holds no `_`, so
    the two never meet). A slug names one of `organisation_id`'s campaigns, or without
    it a published one (drafts of two organisations may share a slug; published
    campaigns may not). What is neither (too long, a NUL) names nothing."""
    if name.startswith("cmp_"):
        return session.get(Campaign, name) if is_well_formed(name) else None
    named = campaign_named(name, organisation_id)
    return None if named is None else session.scalar(select(Campaign).where(named))


def campaign_named(name: str, organisation_id: str | None = None) -> ColumnElement[bool] | None:
    """The condition that finds the campaign `name` names (see `find_campaign`), or None
    for a name that names nothing."""
    if name.startswith("cmp_"):
        return Campaign.id == name if is_well_formed(name) else None
    if len(name) > 80 or not _SLUG.match(name):
        return None
    if organisation_id is not None:
        return and_(Campaign.slug == name, Campaign.organisation_id == organisation_id)
    # Drafts of two organisations may share a slug; published campaigns may not.
    return and_(Campaign.slug == name, Campaign.status != "draft")


def check_published(campaign: Campaign | None, name: str) -> Campaign:
    """`campaign` as supporters may see it: live or closed (a draft is not found)."""
    if campaign is None or campaign.status == "draft":
        raise NotFound(f"No campaign {name[:80]!r}.")
    return campaign


def check_live(campaign: Campaign) -> Campaign:
    """`campaign` as supporters may write to it: not closed."""
    if campaign.status == "closed":
        raise CampaignClosed(
            "This campaign has closed: it takes no more letters.",
            campaign=campaign.slug,
            campaign_id=campaign.id,
        )
    return campaign


def get_campaign(session: Session, organisation_id: str, campaign_id: str) -> Campaign:
    """One of the organisation's campaigns, by id or slug."""
    campaign = find_campaign(session, campaign_id, organisation_id)
    if campaign is None or campaign.organisation_id != organisation_id:
        raise NotFound(f"No campaign {campaign_id[:80]!r}.")
    return campaign


def published_campaign(session: Session, slug: str) -> Campaign:
    """The campaign supporters see by slug (or id), live or closed (a draft is not found)."""
    return check_published(find_campaign(session, slug), slug)


def live_campaign(session: Session, slug: str) -> Campaign:
    """The campaign supporters write to by slug: it must be live (a draft is not found)."""
    return check_live(published_campaign(session, slug))


def list_campaigns(
    session: Session, organisation_id: str, status: str | None, window: ListWindow
) -> Page[Campaign]:
    query = select(Campaign).where(Campaign.organisation_id == organisation_id)
    if status:
        query = query.where(Campaign.status == status)
    keys = Keys(Campaign.id, Campaign.created_at, Campaign.updated_at)
    return page_of(session, query, keys, window)


def update_campaign(
    session: Session, organisation_id: str, campaign_id: str, changes: CampaignUpdate
) -> Campaign:
    campaign = get_campaign(session, organisation_id, campaign_id)
    if changes.slug is not None and changes.slug != campaign.slug and has_been_public(campaign):
        raise SlugFixed(
            "This campaign has been public: its slug is in links supporters were given. "
            "Make a new campaign for a new address.",
            errors=[{"field": "slug", "in": "body", "message": "cannot change once public"}],
        )
    current: dict[str, Any] = {name: getattr(campaign, name) for name in CAMPAIGN_FIELDS}
    merged = current | changes.model_dump(mode="json", exclude_unset=True)
    try:
        fields = CampaignFields.model_validate(merged)
    except ValidationError as error:
        raise InvalidInput(errors=field_errors(error.errors())) from None
    # Targets and templates are checked when they change: a recipient deleted since must
    # not stop the campaign from being closed.
    if "targets" in changes.model_fields_set:
        _check_targets(session, organisation_id, fields)
    if "template_text" in changes.model_fields_set:
        _check_templates(fields)
    _assign(campaign, fields)
    return _save(session, campaign)


def campaign_slugs(session: Session, campaign_ids: set[str]) -> dict[str, str]:
    """Each campaign's slug by id, in one query: lists name both."""
    found = session.execute(select(Campaign.id, Campaign.slug).where(Campaign.id.in_(campaign_ids)))
    return {campaign_id: slug for campaign_id, slug in found}


def has_been_public(campaign: Campaign) -> bool:
    """Live or closed now, or taken action on: its page's address may be out there. (A
    campaign set back to draft before anyone acted is not known to have been public.)"""
    return campaign.status != "draft" or campaign.action_count > 0


def letter_template(campaign: Campaign, language: str) -> Template:
    if campaign.template_text and language in campaign.template_text:
        return template_from_text(campaign.template_text[language], f"template_text.{language}")
    return shipped_template(campaign.template, language)
