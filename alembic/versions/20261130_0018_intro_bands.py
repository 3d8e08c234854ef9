"""Intro bands: the MinHash bands of every action's intro, indexed by campaign and key,
for the near-duplicate intro check. Existing actions get none: the check compares new
intros with those written from this revision on.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 07:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'intro_bands',
        sa.Column('action_id', sa.String(length=40), nullable=False),
        sa.Column('band_key', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('campaign_id', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_intro_bands_action_id_actions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_intro_bands_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('action_id', 'band_key', name=op.f('pk_intro_bands')),
    )
    op.create_index(
        'ix_intro_bands_campaign_id_band_key',
        'intro_bands',
        ['campaign_id', 'band_key', 'action_id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_intro_bands_campaign_id_band_key', table_name='intro_bands')
    op.drop_table('intro_bands')
