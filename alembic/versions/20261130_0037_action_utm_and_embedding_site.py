"""Actions record the campaign links they came by (`utm_source`, `utm_medium`,
`utm_campaign`, `utm_term`, `utm_content`) and the site that embedded the action page
(`embedded_on`, an origin).

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0037'
down_revision: str | None = '0036'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTM = ('utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content')


def upgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        for name in UTM:
            batch_op.add_column(sa.Column(name, sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('embedded_on', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('embedded_on')
        for name in reversed(UTM):
            batch_op.drop_column(name)
