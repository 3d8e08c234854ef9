from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.ids import new_id


class InboundMessage(Base):
    """A message that came back to one of our addresses: what it was (bounce, delay,
    auto_reply, other), about which letter or action, and the reason it gave. Its text is
    not kept: a bounce quotes the letter, which is the supporter's."""

    __tablename__ = "inbound_messages"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("inb"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    letter_id: Mapped[str | None] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[str | None] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reply(Base):
    """An answer to a letter that came to its reply address (campaigns with reply
    capture): who sent it, what it said, whether it named the letter in In-Reply-To or
    References, and when it was forwarded to the supporter. Personal data: exported with
    the supporter's letters, scrubbed with them."""

    __tablename__ = "replies"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("rpl"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    letter_id: Mapped[str] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # human | auto_reply | acknowledgement
    sender: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    threaded: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scrubbed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
