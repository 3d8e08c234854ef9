"""Webhooks can be paused (`active`); each attempt keeps the headers it sent (the
signature's digests left out); a delivery made again by hand names the one it repeats.

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-30 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0029'
down_revision: str | None = '0028'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redelivery_of', sa.String(length=40), nullable=True))
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'request_headers',
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('webhook_attempts', schema=None) as batch_op:
        batch_op.drop_column('request_headers')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_column('redelivery_of')
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.drop_column('active')
