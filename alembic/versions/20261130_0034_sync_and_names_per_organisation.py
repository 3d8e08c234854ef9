"""Lists a partner can sync from, and names unique per organisation.

- Letters say when they last changed (`updated_at`, filled from when each last moved
  as far as the table knows: sent, else made).
- A campaign's slug is unique in its organisation; among published (not draft)
  campaigns it stays unique across all, as the public pages name them by slug alone.

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-30 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0034'
down_revision: str | None = '0033'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True)))
    op.execute('UPDATE letters SET updated_at = COALESCE(sent_at, created_at)')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.alter_column(
            'updated_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.create_index(
            'ix_letters_organisation_id_updated_at',
            ['organisation_id', 'updated_at', 'id'],
            unique=False,
        )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint('uq_campaigns_slug', type_='unique')
        batch_op.create_unique_constraint(
            'uq_campaigns_organisation_id_slug', ['organisation_id', 'slug']
        )
    op.create_index(
        'uq_campaigns_published_slug',
        'campaigns',
        ['slug'],
        unique=True,
        postgresql_where=sa.text("status <> 'draft'"),
        sqlite_where=sa.text("status <> 'draft'"),
    )


def downgrade() -> None:
    op.drop_index('uq_campaigns_published_slug', table_name='campaigns')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_constraint('uq_campaigns_organisation_id_slug', type_='unique')
        batch_op.create_unique_constraint('uq_campaigns_slug', ['slug'])
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_index('ix_letters_organisation_id_updated_at')
        batch_op.drop_column('updated_at')
