"""The action page's counter: an offset for actions taken elsewhere, a threshold below
which no count is shown.

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('counter_offset', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('counter_hidden_below', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('counter_hidden_below')
        batch_op.drop_column('counter_offset')
