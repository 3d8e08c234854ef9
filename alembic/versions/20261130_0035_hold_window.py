"""The hold window: a campaign's `hold_minutes`, and each letter's `hold_until`, before
which it does not leave (the supporter may still stop it); and whether the campaign sends
each supporter a receipt (`send_receipt`) with the link to their letters page.

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-30 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0035'
down_revision: str | None = '0034'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('hold_minutes', sa.Integer(), server_default='5', nullable=False)
        )
        batch_op.add_column(
            sa.Column('send_receipt', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hold_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('hold_until')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('send_receipt')
        batch_op.drop_column('hold_minutes')
