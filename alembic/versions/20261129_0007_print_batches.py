"""Print batches, and the letters they gather.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 03:45:21.704518
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('print_batches',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.String(length=40), nullable=False),
    sa.Column('campaign_id', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('page_size', sa.String(length=10), nullable=False),
    sa.Column('letter_count', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_print_batches_campaign_id_campaigns'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_print_batches_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_batches'))
    )
    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_batches_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('print_batch_id', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_letters_print_batch_id'), ['print_batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_letters_print_batch_id_print_batches'), 'print_batches', ['print_batch_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letters_print_batch_id_print_batches'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_letters_print_batch_id'))
        batch_op.drop_column('print_batch_id')

    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_print_batches_organisation_id'))

    op.drop_table('print_batches')
