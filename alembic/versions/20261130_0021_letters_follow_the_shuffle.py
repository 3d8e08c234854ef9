"""Letters follow the shuffle: the role a letter was written to, whether it was
re-addressed or held when the role's holder changed, and what each campaign wants then.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 07:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_holder_change', sa.String(length=10), server_default='readdress', nullable=False))
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_target', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('held_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('readdressed_from', JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('readdressed_from')
        batch_op.drop_column('held_reason')
        batch_op.drop_column('role_target')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('on_holder_change')
