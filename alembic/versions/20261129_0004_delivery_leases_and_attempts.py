"""Delivery leases and the log of attempts; letters keep their parts and outcome; campaigns may copy the supporter.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 03:24:32.780094
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('delivery_attempts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('delivery_id', sa.String(length=40), nullable=False),
    sa.Column('worker', sa.String(length=100), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_delivery_attempts_delivery_id_deliveries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempts'))
    )
    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_attempts_delivery_id'), ['delivery_id'], unique=False)

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copy_to_supporter', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leased_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('leased_by', sa.String(length=100), nullable=True))
        batch_op.drop_index(batch_op.f('ix_deliveries_due_at'))
        batch_op.create_index('ix_deliveries_channel_due_at', ['channel', 'due_at'], unique=False)

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_reason', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('failed_reason')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('parts')

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_channel_due_at')
        batch_op.create_index(batch_op.f('ix_deliveries_due_at'), ['due_at'], unique=False)
        batch_op.drop_column('leased_by')
        batch_op.drop_column('leased_until')

    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('copy_to_supporter')

    with op.batch_alter_table('delivery_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_attempts_delivery_id'))

    op.drop_table('delivery_attempts')
