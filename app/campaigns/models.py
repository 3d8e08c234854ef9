from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, false, text, true
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, JSONDocument, UTCDateTime, utcnow
from app.ids import new_id


class Campaign(Base):
    """A campaign: what supporters are asked to write, to whom, and how it is sent.
    Texts shown or written in a language are {"en": ..., "fr": ...} documents."""

    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("cmp"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # Public: supporters reach a campaign by its slug, so a slug names one campaign anywhere.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
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
    on_bounce: Mapped[str] = mapped_column(String(10), default="nothing", server_default="nothing")
    # Replies come to a per-letter address of ours and are forwarded (app.inbound).
    reply_capture: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The page's counter: actions taken elsewhere (on paper, another tool) added to ours,
    # and a count below which the page shows none ("0 people have taken action" deters).
    counter_offset: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    counter_hidden_below: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Minutes a letter waits, once it may go, before it leaves (the supporter may still
    # stop it on their letters' page); 0: none.
    hold_minutes: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # One email to each supporter once their letters may go: a copy, and their page's link.
    send_receipt: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Counters kept in the transaction that takes an action, so the public counter is
    # one row read however many supporters there are.
    action_count: Mapped[int] = mapped_column(Integer, default=0)
    letter_count: Mapped[int] = mapped_column(Integer, default=0)
    # Kept by the worker in the transaction that records each letter sent.
    sent_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
