"""Lease statements shared by every lane. A row is due when `due_at` has passed and no
live lease holds it; claiming leases it to one worker in a short transaction (on
PostgreSQL with FOR UPDATE SKIP LOCKED, so workers on any number of hosts never take the
same row); the outcome is recorded only if that worker still holds the lease, the check
and the release being one statement."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, or_, update
from sqlalchemy.orm import Session

from app.db import utcnow

if TYPE_CHECKING:  # the tables with a due time and a lease; named for the type checker only
    from app.delivery.models import Delivery, PrintBatch
    from app.webhooks.models import WebhookDelivery

    Leased = type[Delivery] | type[WebhookDelivery] | type[PrintBatch]


class Queue:
    """The lease statements for one table."""

    def __init__(self, table: "Leased") -> None:
        self.table = table

    def due(self, now: datetime) -> ColumnElement[bool]:
        t = self.table
        return and_(t.due_at <= now, or_(t.leased_until.is_(None), t.leased_until < now))

    def pick(
        self, session: Session, query: Select[*tuple[Any, ...]], limit: int, now: datetime
    ) -> list[Any]:
        """The first `limit` due rows of `query` (a select whose first column is the id),
        oldest due first (by id, creation's order, when due at once), locked on PostgreSQL
        so that no other worker picks them."""
        if limit <= 0:
            return []
        due = query.where(self.due(now)).order_by(self.table.due_at, self.table.id).limit(limit)
        if session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(of=self.table, skip_locked=True)
        return list(session.execute(due))

    def lease(
        self, session: Session, ids: Sequence[str], worker: str, seconds: float, now: datetime
    ) -> None:
        if ids:
            session.execute(
                update(self.table)
                .where(self.table.id.in_(ids))
                .values(leased_until=now + timedelta(seconds=seconds), leased_by=worker)
            )

    def heartbeat(
        self,
        session: Session,
        ids: Sequence[str],
        worker: str,
        seconds: float,
        *where: ColumnElement[bool],
        returning: Sequence[Any] = (),
        now: datetime | None = None,
    ) -> list[Any]:
        """Extend `worker`'s live leases on `ids`; answers (id, *returning) of those it
        still holds (a lease that ran out may have been taken by another worker)."""
        if not ids:
            return []
        now = now or utcnow()
        t = self.table
        return list(
            session.execute(
                update(t)
                .where(t.id.in_(ids), t.leased_by == worker, t.leased_until > now, *where)
                .values(leased_until=now + timedelta(seconds=seconds))
                .returning(t.id, *returning)
            )
        )

    def mine(self, ids: Sequence[str], worker: str) -> ColumnElement[bool]:
        return and_(self.table.id.in_(ids), self.table.leased_by == worker)

    def held_by(self, workers: Sequence[str]) -> ColumnElement[bool]:
        return self.table.leased_by.in_(workers)

    def free(self, session: Session, workers: Sequence[str]) -> None:
        """End every lease `workers` hold (dead workers): due again at once, untried."""
        if workers:
            session.execute(
                update(self.table)
                .where(self.held_by(workers))
                .values(leased_until=None, leased_by=None)
            )

    def release(self, session: Session, ids: Sequence[str], worker: str) -> None:
        """Give back leases not used (a stopping worker): due again at once, untried."""
        if ids:
            session.execute(
                update(self.table)
                .where(self.mine(ids, worker))
                .values(leased_until=None, leased_by=None)
            )

    def settle(
        self,
        session: Session,
        row_id: str,
        worker: str,
        *where: ColumnElement[bool],
        returning: Sequence[Any] = (),
    ) -> Any:
        """Count an attempt and end the lease, if `worker` still holds it (another worker
        took over an expired one: theirs to record). Answers (attempts, *returning), or
        None when the lease was lost."""
        t = self.table
        return session.execute(
            update(t)
            .where(t.id == row_id, t.leased_by == worker, *where)
            .values(attempts=t.attempts + 1, leased_until=None, leased_by=None, due_at=None)
            .returning(t.attempts, *returning)
        ).one_or_none()

    def settle_many(
        self, session: Session, row_ids: Sequence[str], worker: str, returning: Sequence[Any] = ()
    ) -> list[Any]:
        """`settle` for a batch of rows in one statement: answers (id, attempts,
        *returning) of those whose lease `worker` still held."""
        if not row_ids:
            return []
        t = self.table
        return list(
            session.execute(
                update(t)
                .where(t.id.in_(row_ids), t.leased_by == worker)
                .values(attempts=t.attempts + 1, leased_until=None, leased_by=None, due_at=None)
                .returning(t.id, t.attempts, *returning)
            )
        )
