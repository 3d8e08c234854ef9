"""Actions carry the partner's own metadata (their ids) and where they came from.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'metadata',
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                server_default=sa.text("'{}'"),
                nullable=False,
            )
        )
        # Actions taken before this were all taken through the API or the action page;
        # which one is not known, so they read as the API's.
        batch_op.add_column(
            sa.Column('source', sa.String(length=10), server_default='api', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('source')
        batch_op.drop_column('metadata')
