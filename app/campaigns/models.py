from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Update,
    bindparam,
    false,
    text,
    true,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument, UTCDateTime, utcnow
from app.ids import new_id


class Campaign(Base):
    """A campaign: what supporters are asked to write, to whom, and how it is sent.
    Texts shown or written in a language are {"en": ..., "fr": ...} documents."""

    __tablename__ = "campaigns"
    __table_args__ = (
        # The API names an organisation's campaign by its slug: one per organisation.
        UniqueConstraint("organisation_id", "slug"),
        # The public pages (/c/{slug}, the actions endpoint) name a published campaign by
        # its slug alone, so no two published campaigns share one, whoever owns them.
        Index(
            "uq_campaigns_published_slug",
            "slug",
            unique=True,
            postgresql_where=text("status <> 'draft'"),
            sqlite_where=text("status <> 'draft'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("cmp"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10))
    languages: Mapped[list[str]] = mapped_column(JSONDocument)
    title: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    summary: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    guidance: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    subject: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    concern: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    ask: Mapped[dict[str, str]] = mapped_column(JSONDocument)
    # Texts for one kind of target ("role", "own_mp", "recipient"): {kind: {part: {language:
    # text}}}, each part falling back to the campaign's own (subject, concern, ask above).
    target_texts: Mapped[dict[str, dict[str, dict[str, str]]]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    # The sentence asking for a reply, per language; a default where the campaign has none.
    reply_request: Mapped[dict[str, str]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    subject_editable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    template: Mapped[str] = mapped_column(String(50))
    template_text: Mapped[dict[str, str] | None] = mapped_column(JSONDocument)
    must_write: Mapped[list[str]] = mapped_column(JSONDocument)
    may_edit: Mapped[list[str]] = mapped_column(JSONDocument)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument)
    channels: Mapped[list[str]] = mapped_column(JSONDocument)
    without_email: Mapped[str] = mapped_column(String(10))
    goal: Mapped[int | None] = mapped_column(Integer)
    confirm_email: Mapped[bool] = mapped_column(Boolean)
    copy_to_supporter: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # What a queued letter to a role does when the role changes hands before it leaves:
    # "readdress" (to the new holder) or "hold" (for review).
    on_holder_change: Mapped[str] = mapped_column(
        String(10), default="readdress", server_default="readdress"
    )
    # What follows an email letter that bounces: "nothing", or "print" (app.inbound).
    on_bounce: Mapped[str] = mapped_column(String(30), default="nothing", server_default="nothing")
    # Replies come to a per-letter address of ours and are forwarded (app.inbound).
    reply_capture: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Days after a letter leaves that its supporter is asked whether the official
    # answered (app.impact); None asks nothing. (No default here: the API gives 14, and
    # the ORM would put a default in place of an explicit None.)
    questionnaire_days: Mapped[int | None] = mapped_column(Integer)
    # The campaign's responsiveness figures shown on a public page (app.impact).
    responsiveness_public: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # The page's counter: actions taken elsewhere (on paper, another tool) added to ours,
    # and a count below which the page shows none ("0 people have taken action" deters).
    counter_offset: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    counter_hidden_below: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What the page shows besides its texts: an image (https, with its alt text per
    # language), "learn more" links and the next step after sending ({"label": {language:
    # text}, "url": ...}), or an address the form sends supporters to instead.
    image_url: Mapped[str | None] = mapped_column(String(500))
    image_alt: Mapped[dict[str, str]] = mapped_column(
        JSONDocument, default=dict, server_default=text("'{}'")
    )
    learn_more: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONDocument, default=list, server_default=text("'[]'")
    )
    next_action: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    thanks_redirect_url: Mapped[str | None] = mapped_column(String(500))
    # Minutes a letter waits, once it may go, before it leaves (the supporter may still
    # stop it on their letters' page); 0: none.
    hold_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # One email to each supporter once their letters may go: a copy, and their page's link.
    send_receipt: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # In a row of their own: the campaign's row changes only when the campaign does, so
    # that its updated_at tells a process whether the campaign it holds is current.
    counters: Mapped["CampaignCounter"] = relationship(cascade="all, delete-orphan")

    @property
    def action_count(self) -> int:
        return self.counters.action_count

    @property
    def letter_count(self) -> int:
        return self.counters.letter_count

    @property
    def sent_count(self) -> int:
        return self.counters.sent_count


class CampaignCounter(Base):
    """A campaign's public counters, so that its counter is one row read however many
    supporters there are: actions and letters kept in the transaction that takes an
    action, letters sent in the one that records each letter (or batch) sent."""

    __tablename__ = "campaign_counters"

    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    action_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    letter_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sent_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


def count(campaign_id: str, *, actions: int = 0, letters: int = 0, sent: int = 0) -> Update:
    """The statement that moves a campaign's counters."""
    return (
        update(CampaignCounter)
        .where(CampaignCounter.campaign_id == campaign_id)
        .values(
            action_count=CampaignCounter.action_count + actions,
            letter_count=CampaignCounter.letter_count + letters,
            sent_count=CampaignCounter.sent_count + sent,
        )
    )


# An action's move of its campaign's counters (`count(campaign, actions=1, letters=n)`),
# built once, its values bound by name (`counted`: the campaign's id; `letters`): every
# action runs it.
ACTION_COUNTED = (
    update(CampaignCounter)
    .where(CampaignCounter.campaign_id == bindparam("counted", type_=String))
    .values(
        action_count=CampaignCounter.action_count + 1,
        letter_count=CampaignCounter.letter_count + bindparam("letters", type_=Integer),
    )
)
