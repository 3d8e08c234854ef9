"""An index for the delivery latency metric: letters by when they were sent.

Revision ID: 0013
Revises: 0011
Create Date: 2026-11-29 05:40:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0013'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.create_index('ix_letters_sent_at', ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_sent_at')
