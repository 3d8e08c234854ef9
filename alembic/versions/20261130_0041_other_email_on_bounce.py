"""A campaign's `on_bounce` may name longer choices (`other_email`,
`other_email_or_print`): its column widens from 10 to 30 characters.

Revision ID: 0041
Revises: 0040
Create Date: 2026-11-30 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0041'
down_revision: str | None = '0040'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.alter_column(
            'on_bounce',
            existing_type=sa.String(length=10),
            type_=sa.String(length=30),
            existing_nullable=False,
            existing_server_default='nothing',
        )


def downgrade() -> None:
    op.execute(
        "UPDATE campaigns SET on_bounce = 'print' WHERE on_bounce = 'other_email_or_print'"
    )
    op.execute("UPDATE campaigns SET on_bounce = 'nothing' WHERE on_bounce = 'other_email'")
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.alter_column(
            'on_bounce',
            existing_type=sa.String(length=30),
            type_=sa.String(length=10),
            existing_nullable=False,
            existing_server_default='nothing',
        )
