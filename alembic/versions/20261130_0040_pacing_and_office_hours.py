"""Pacing per destination domain and office hours: each delivery's domain and office
time zone (from its letter's recipient) and when it was last claimed; each
organisation's office hours. Letters already queued keep no domain: they go unpaced.

Revision ID: 0040
Revises: 0039
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0040'
down_revision: str | None = '0039'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('domain', sa.String(length=253), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('paced_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            'ix_deliveries_paced_at_domain', ['paced_at', 'domain'], unique=False
        )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_hours', JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('office_hours')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_paced_at_domain')
        batch_op.drop_column('paced_at')
        batch_op.drop_column('time_zone')
        batch_op.drop_column('domain')
