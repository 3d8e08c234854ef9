"""An index of the due deliveries in the order a claim takes them (due time, then id),
so that a claim reads its batch and stops, whatever the queue's size; only due rows are
in it (a delivery that is over, or waiting for confirmation, has no due time).

Revision ID: 0042
Revises: 0041
Create Date: 2026-11-30 18:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0042'
down_revision: str | None = '0041'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(
            'ix_deliveries_due_at_id',
            ['due_at', 'id'],
            unique=False,
            postgresql_where=sa.text('due_at IS NOT NULL'),
            sqlite_where=sa.text('due_at IS NOT NULL'),
        )


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_due_at_id')
