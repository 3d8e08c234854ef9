"""Directory sync: where each recipient came from, its photo, the fields the organisation
edited by hand (kept by syncs), and the record of every sync.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column('locked_fields', JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    op.create_table('directory_syncs',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('forced', sa.Boolean(), nullable=False),
    sa.Column('counts', JSON, nullable=False),
    sa.Column('diff', JSON, nullable=False),
    sa.Column('problems', JSON, nullable=False),
    sa.Column('newest_fact', sa.Date(), nullable=True),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_directory_syncs_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_syncs'))
    )
    with op.batch_alter_table('directory_syncs', schema=None) as batch_op:
        batch_op.create_index('ix_directory_syncs_organisation_id_source_synced_at', ['organisation_id', 'source', 'synced_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('directory_syncs', schema=None) as batch_op:
        batch_op.drop_index('ix_directory_syncs_organisation_id_source_synced_at')
    op.drop_table('directory_syncs')
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_column('locked_fields')
        batch_op.drop_column('source')
        batch_op.drop_column('photo_url')
