"""Scheduled directory syncs that failed or that the retirement guard stopped, per
organisation and source: the schedule waits an interval after them too.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'directory_sync_failures',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('organisation_id', sa.String(length=40), nullable=False),
        sa.Column('source', sa.String(length=200), nullable=False),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('error', sa.Text(), nullable=False),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['organisation_id'],
            ['organisations.id'],
            name=op.f('fk_directory_sync_failures_organisation_id_organisations'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_sync_failures')),
    )
    with op.batch_alter_table('directory_sync_failures', schema=None) as batch_op:
        batch_op.create_index(
            'ix_directory_sync_failures_organisation_id_source_failed_at',
            ['organisation_id', 'source', 'failed_at'],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table('directory_sync_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_directory_sync_failures_organisation_id_source_failed_at')
    op.drop_table('directory_sync_failures')
