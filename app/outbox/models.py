from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class WorkerRow(Base):
    """A running worker, as it last said: its heartbeat (a worker whose heartbeat is
    older than a lease is dead, and its leases are freed), and whether it can reach the
    mail relay (read by /metrics)."""

    __tablename__ = "workers"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    relay_down_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    relay_error: Mapped[str | None] = mapped_column(Text)
