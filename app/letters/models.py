from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, JSONDocument, UTCDateTime, utcnow
from app.ids import new_id


class Action(Base):
    """One supporter taking action on one campaign: who they are and what they wrote."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("campaign_id", "email_key"),
        Index("ix_actions_campaign_id_intro_hash", "campaign_id", "intro_hash"),
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
    concern: Mapped[str | None] = mapped_column(Text)
    ask: Mapped[str | None] = mapped_column(Text)
    intro_hash: Mapped[str] = mapped_column(String(64))
    consent_to_contact: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    letters: Mapped[list["Letter"]] = relationship(back_populates="action", order_by="Letter.id")


class Letter(Base):
    """A letter as it will be sent, rendered once when the action is taken: the email,
    the PDF and every later view show exactly these words."""

    __tablename__ = "letters"
    __table_args__ = (Index("ix_letters_campaign_id_status", "campaign_id", "status"),)

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
    salutation: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="letters")
    delivery: Mapped["Delivery"] = relationship(back_populates="letter")


class Delivery(Base):
    """The outbox: a letter's pending trip through its channel, written in the same
    transaction as the letter so that nothing saved can fail to be queued. `due_at` is
    empty while the letter waits for the supporter to confirm their email."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due_at", "due_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("dlv"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    letter_id: Mapped[str] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    letter: Mapped[Letter] = relationship(back_populates="delivery")
