"""Print batches laid out for duplex printing: each letter padded to an even page count.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 07:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('duplex', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.drop_column('duplex')
