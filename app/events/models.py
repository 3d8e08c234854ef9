"""Letter-writing events: an advocate's table at a school or a library, where attendees
write letters by hand on a campaign the organisation published. The attendees' actions
are ordinary actions (letters.models.Action), marked `assisted` and tied to their event."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.ids import new_id


class Event(Base):
    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("evt"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    # Who made it (kept if the user is removed: the event stays the organisation's).
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How many of the kit's letters the advocate says were posted, and when they said so:
    # a count, since a kit's letters are signed and posted by hand, one by one.
    mailed_count: Mapped[int | None] = mapped_column(Integer)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
