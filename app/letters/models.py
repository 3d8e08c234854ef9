from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.campaigns.rendering import html_of
from app.db import Base, JSONDocument, UTCDateTime, utcnow
from app.ids import new_id

if TYPE_CHECKING:
    from app.campaigns.models import Campaign
    from app.delivery.models import Delivery

# What the API shows, and error columns hold, in place of a supporter's erased data.
REDACTED = "redacted"


def email_key_of(email: str) -> str:
    """How actions are keyed by address (one per person and campaign), and how every
    lookup by a supporter's address (export, erasure) must key it too. Limits on what
    one inbox receives key it by mailbox instead (rate_limits.mailbox_of)."""
    return email.casefold()


class Action(Base):
    """One supporter taking action on one campaign: who they are and what they wrote."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("campaign_id", "email_key"),
        Index("ix_actions_campaign_id_intro_hash", "campaign_id", "intro_hash"),
        # Export and erasure find a supporter's actions by organisation and address.
        Index("ix_actions_organisation_id_email_key", "organisation_id", "email_key"),
        # Retention looks for rows not yet scrubbed, oldest first: only those are indexed,
        # so its every pass reads what is left to do, not the whole history.
        Index(
            "ix_actions_unscrubbed_created_at",
            "created_at",
            postgresql_where=text("scrubbed_at IS NULL"),
            sqlite_where=text("scrubbed_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("act"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(300))
    last_name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str] = mapped_column(String(254))
    # One action per person and campaign: the address compared without regard to case.
    email_key: Mapped[str] = mapped_column(String(254))
    street_address: Mapped[str] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(300))
    province: Mapped[str] = mapped_column(String(2))
    postal_code: Mapped[str] = mapped_column(String(7))
    phone: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(2))
    intro: Mapped[str] = mapped_column(Text)
    # The supporter's own subject, where the campaign let them write one: their words, so
    # erased with them (and from their letters' subject).
    subject: Mapped[str | None] = mapped_column(Text)
    concern: Mapped[str | None] = mapped_column(Text)
    ask: Mapped[str | None] = mapped_column(Text)
    intro_hash: Mapped[str] = mapped_column(String(64))
    consent_to_contact: Mapped[bool] = mapped_column(Boolean)
    # The partner's own keys and values (their ids), echoed wherever the action appears.
    # `metadata` is SQLAlchemy's own name on a model, hence `meta` here.
    meta: Mapped[dict[str, str]] = mapped_column(
        "metadata", JSONDocument, default=dict, server_default=text("'{}'")
    )
    # Where it was taken: "api" (anonymous JSON), "key" (a keyed caller), "page" (the
    # action page or its embed).
    source: Mapped[str] = mapped_column(String(10), default="api", server_default="api")
    # Entered for an attendee by an advocate at a letter-writing event (app.events): the
    # attendee's consent as they answered it, their letters printed to sign by hand.
    assisted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    # The campaign link it came by (its utm_* query) and, for the embedded page, the
    # origin of the site that framed it: as the page or the caller said, unverified.
    # Not personal data: kept when the supporter is erased, as the results count them.
    utm_source: Mapped[str | None] = mapped_column(String(100))
    utm_medium: Mapped[str | None] = mapped_column(String(100))
    utm_campaign: Mapped[str | None] = mapped_column(String(100))
    utm_term: Mapped[str | None] = mapped_column(String(100))
    utm_content: Mapped[str | None] = mapped_column(String(100))
    embedded_on: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the supporter's details and words were erased (on request, or by retention).
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letters: Mapped[list["Letter"]] = relationship(back_populates="action", order_by="Letter.id")


class Letter(Base):
    """A letter as it will be sent, rendered once when the action is taken: the email,
    the PDF and every later view show exactly these words."""

    __tablename__ = "letters"
    __table_args__ = (
        Index("ix_letters_campaign_id_status", "campaign_id", "status"),
        # Every worker's poll expires unconfirmed letters by status and age.
        Index("ix_letters_status_created_at", "status", "created_at"),
        # /metrics reads the letters sent in the last hour.
        Index("ix_letters_sent_at", "sent_at"),
        # Partners sync an organisation's letters in the order they changed.
        Index("ix_letters_organisation_id_updated_at", "organisation_id", "updated_at", "id"),
        Index(
            "ix_letters_unscrubbed_created_at",
            "created_at",
            postgresql_where=text("scrubbed_at IS NULL"),
            sqlite_where=text("scrubbed_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("ltr"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    action_id: Mapped[str] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    recipient_id: Mapped[str | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(30))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(500))
    salutation: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The rendered pieces (sender block, date, address block, salutation, intro, ...):
    # the PDF lays them out, with the same words as body_text.
    parts: Mapped[dict[str, str] | None] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When its status (or anything else) last changed: lists sync by it. Every move in
    # letters.lifecycle sets it; `onupdate` catches any other write.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_reason: Mapped[str | None] = mapped_column(Text)
    # The campaign's hold window: a queued letter leaves no earlier (lifecycle.hold_over).
    hold_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    print_batch_id: Mapped[str | None] = mapped_column(
        ForeignKey("print_batches.id", ondelete="SET NULL"), index=True
    )
    # When its text was erased (on request, or by retention); its state and dates stay.
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The campaign's role target the letter was written to ("Minister of Foreign
    # Affairs"): at send time it goes to whoever holds that role then.
    role_target: Mapped[str | None] = mapped_column(String(300))
    # Why it waits for review (the role changed hands, or has no holder).
    held_reason: Mapped[str | None] = mapped_column(Text)
    # Whom it was addressed to before the role changed hands, and when it was re-addressed.
    readdressed_from: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # Measured when it was written, for a daily digest's manifest (None: written before
    # they were kept). The share of its message in the supporter's own words (0 to 1), and
    # whether it went to the supporter's own representative, found from their postal code.
    own_words_share: Mapped[float | None] = mapped_column(Float)
    constituent: Mapped[bool | None] = mapped_column(Boolean)
    # The daily digest that carries it, for an office that takes one (app.delivery.digests).
    digest_id: Mapped[str | None] = mapped_column(
        ForeignKey("digests.id", ondelete="SET NULL"), index=True
    )

    action: Mapped[Action] = relationship(back_populates="letters")
    # Read for one letter's slug (`GET /v1/letters/{id}`); lists read slugs in one query.
    campaign: Mapped["Campaign"] = relationship()
    delivery: Mapped["Delivery"] = relationship(back_populates="letter")

    @property
    def body_html(self) -> str:
        """The letter as HTML (its email's HTML part, the API's `body_html`), made from
        its text when read: it is a function of the text, language and subject alone, so
        it is not stored (a letter re-addressed or erased needs nothing else changed)."""
        return html_of(self.body_text, self.language, self.subject)


class RepeatNotice(Base):
    """When a mailbox was last told that someone tried to take action again with its
    address: at most one such email per mailbox and `repeat_notice_hours`, however many
    campaigns, tags or dots are tried. Keyed by a keyed digest of the mailbox, not by
    the address."""

    __tablename__ = "repeat_notices"

    mailbox_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class IntroBand(Base):
    """One band of an action's intro MinHash (quality.band_keys): the index that finds the
    earlier intros of a campaign that may nearly match a new one without reading them
    all. A key is a hash of hashes of the intro's words: it cannot be read back."""

    __tablename__ = "intro_bands"
    __table_args__ = (
        # The near-duplicate check reads, per band key, the first few actions holding it.
        Index("ix_intro_bands_campaign_id_band_key", "campaign_id", "band_key", "action_id"),
    )

    action_id: Mapped[str] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))


# The tables themselves, for an action's inserts through Core (letters.service.take_action):
# its rows are not objects of a session, and the ORM's flush costs more than the statements.
ACTIONS = cast(Table, Action.__table__)
LETTERS = cast(Table, Letter.__table__)
INTRO_BANDS = cast(Table, IntroBand.__table__)
