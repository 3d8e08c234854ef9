"""Print batches built by the worker: a batch is a row of the outbox (due time, lease,
attempts), and a failed one says why.

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-30 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0032'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('attempts', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('leased_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('leased_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('failure_reason', sa.Text(), nullable=True))
    # A batch left building by a request that died is now the worker's to build.
    op.execute("UPDATE print_batches SET due_at = created_at WHERE status = 'building'")


def downgrade() -> None:
    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.drop_column('failure_reason')
        batch_op.drop_column('leased_by')
        batch_op.drop_column('leased_until')
        batch_op.drop_column('attempts')
        batch_op.drop_column('due_at')
