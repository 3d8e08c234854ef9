from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime, utcnow
from app.ids import new_id
from app.letters.models import Letter


class Delivery(Base):
    """The outbox: a letter's trip through its channel, written in the same transaction
    as the letter, so nothing saved can fail to be queued.

    A delivery is due while `due_at` is set and has passed; it is empty while the letter
    waits for the supporter's confirmation and once the delivery is over. A worker that
    claims it holds a lease (`leased_until`, `leased_by`); a lease that runs out, because
    its worker died, makes the delivery claimable again."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_channel_due_at", "channel", "due_at"),
        # Every claim counts each domain's letters claimed in the last minute (pacing):
        # a range of the newest claims, whatever the table's size.
        Index("ix_deliveries_paced_at_domain", "paced_at", "domain"),
        # A claim walks the due deliveries in its order and stops at its batch: its cost
        # is its batch's, not the queue's (without it, every claim sorted the whole
        # queue: 0.1 s a claim with 20,000 letters queued).
        Index(
            "ix_deliveries_due_at_id",
            "due_at",
            "id",
            postgresql_where=text("due_at IS NOT NULL"),
            sqlite_where=text("due_at IS NOT NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("dlv"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    # A letter's delivery names the letter; a confirmation email names the action whose
    # letters wait for it (channel "confirmation").
    letter_id: Mapped[str | None] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), unique=True
    )
    action_id: Mapped[str | None] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    # A daily digest's email names its digest (channel "daily_digest"; app.delivery.digests).
    digest_id: Mapped[str | None] = mapped_column(
        ForeignKey("digests.id", ondelete="CASCADE"), unique=True
    )
    channel: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A letter's email: the domain it goes to and the office's time zone (delivery.pacing),
    # from its recipient; and when it was last claimed, which its domain's pace counts.
    domain: Mapped[str | None] = mapped_column(String(253))
    time_zone: Mapped[str | None] = mapped_column(String(40))
    paced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    letter: Mapped[Letter | None] = relationship(back_populates="delivery")
    attempt_log: Mapped[list["DeliveryAttempt"]] = relationship(
        back_populates="delivery", order_by="DeliveryAttempt.started_at"
    )


class DeliveryAttempt(Base):
    """One try at delivering: when, by which worker, and how it ended."""

    __tablename__ = "delivery_attempts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("att"))
    delivery_id: Mapped[str] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    worker: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))  # sent | retry | failed
    error: Mapped[str | None] = mapped_column(Text)

    delivery: Mapped[Delivery] = relationship(back_populates="attempt_log")


class PrintBatch(Base):
    """Print letters gathered into one merged PDF and a manifest, for someone to post.
    `building` until the worker has written its files, then `ready`, then `mailed`; or
    `failed` (`failure_reason` says why), its letters back in the queue.

    A batch being built is a row of the outbox, as a delivery is: due while `building`
    with `due_at` set, leased to the worker that builds it (`leased_until`, `leased_by`),
    so a worker that dies mid-build leaves it to another."""

    __tablename__ = "print_batches"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("pbt"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[str | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20))
    page_size: Mapped[str] = mapped_column(String(10))
    # Printed on both sides: every letter padded with a blank page to an even count.
    duplex: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    letter_count: Mapped[int] = mapped_column(Integer, default=0)
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When retention deleted its PDF and manifest, which hold the letters' text.
    files_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leased_by: Mapped[str | None] = mapped_column(String(100))
    failure_reason: Mapped[str | None] = mapped_column(Text)


class Digest(Base):
    """One office's daily digest: the letters due to one address of one organisation on
    one day (the office's), sent as one email (app.delivery.digests). Its letters name it
    (`Letter.digest_id`), and so does its email, a delivery of the outbox (channel
    "daily_digest", `Delivery.digest_id`), leased and recorded as a letter's is; claiming it
    takes its letters for sending, so a letter stopped before then is not in it and every letter
    in it is sent exactly once. One per address and day: the unique key says so."""

    __tablename__ = "digests"
    __table_args__ = (UniqueConstraint("organisation_id", "address", "day"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("dgs"))
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[str | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL"), index=True
    )
    address: Mapped[str] = mapped_column(String(254))
    day: Mapped[date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
