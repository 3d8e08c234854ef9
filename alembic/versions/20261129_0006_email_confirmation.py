"""Email confirmation: actions record it, and the outbox carries confirmation emails.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 03:40:24.863052
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action_id', sa.String(length=40), nullable=True))
        batch_op.alter_column('letter_id',
               existing_type=sa.VARCHAR(length=40),
               nullable=True)
        batch_op.alter_column('channel',
               existing_type=sa.VARCHAR(length=10),
               type_=sa.String(length=20),
               existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_deliveries_action_id'), ['action_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_deliveries_action_id_actions'), 'actions', ['action_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deliveries_action_id_actions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deliveries_action_id'))
        batch_op.alter_column('channel',
               existing_type=sa.String(length=20),
               type_=sa.VARCHAR(length=10),
               existing_nullable=False)
        batch_op.alter_column('letter_id',
               existing_type=sa.VARCHAR(length=40),
               nullable=False)
        batch_op.drop_column('action_id')

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')

