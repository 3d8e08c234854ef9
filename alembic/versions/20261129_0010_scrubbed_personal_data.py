"""Supporters' personal data: when an action's and a letter's were scrubbed, and when a
print batch's files were deleted.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 05:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scrubbed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_actions_organisation_id_email_key', ['organisation_id', 'email_key'], unique=False)
        batch_op.create_index('ix_actions_unscrubbed_created_at', ['created_at'], unique=False, postgresql_where=sa.text('scrubbed_at IS NULL'), sqlite_where=sa.text('scrubbed_at IS NULL'))

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scrubbed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_letters_unscrubbed_created_at', ['created_at'], unique=False, postgresql_where=sa.text('scrubbed_at IS NULL'), sqlite_where=sa.text('scrubbed_at IS NULL'))

    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('files_deleted_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('print_batches', schema=None) as batch_op:
        batch_op.drop_column('files_deleted_at')

    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_unscrubbed_created_at')
        batch_op.drop_column('scrubbed_at')

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_unscrubbed_created_at')
        batch_op.drop_index('ix_actions_organisation_id_email_key')
        batch_op.drop_column('scrubbed_at')

