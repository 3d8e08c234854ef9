from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
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
