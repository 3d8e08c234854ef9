"""Campaigns count their letters sent; salutations may be as long as a name.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 03:35:51.274778
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_count', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.alter_column('salutation',
               existing_type=sa.VARCHAR(length=300),
               type_=sa.Text(),
               existing_nullable=False)



def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.alter_column('salutation',
               existing_type=sa.Text(),
               type_=sa.VARCHAR(length=300),
               existing_nullable=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('sent_count')

