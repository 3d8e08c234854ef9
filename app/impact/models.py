from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime
from app.ids import new_id


class Questionnaire(Base):
    """The question put to a supporter some days after their letter left: did the
    official answer? One per letter: asked once, reminded at most once, answered `yes`,
    `no` or `not_yet` (which may be changed). `delivery_id` names the email last queued
    (the question, then the reminder), so the email lane finds what it is sending."""

    __tablename__ = "questionnaires"
    # The reminder pass looks for questions asked long enough ago and not yet reminded.
    __table_args__ = (Index("ix_questionnaires_reminded_at_asked_at", "reminded_at", "asked_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("qst"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    letter_id: Mapped[str] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), unique=True
    )
    delivery_id: Mapped[str | None] = mapped_column(
        ForeignKey("deliveries.id", ondelete="SET NULL"), index=True
    )
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(String(10))  # yes | no | not_yet
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
