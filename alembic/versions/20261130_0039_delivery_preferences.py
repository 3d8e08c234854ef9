"""Office delivery preferences: a recipient's `delivery_preference` (email, daily_digest,
print_only); the daily digests (`digests`, named by their email's delivery and by their
letters); and, kept on each letter for a digest's manifest, its share of the supporter's
own words and whether it went to the supporter's own representative.

Revision ID: 0039
Revises: 0038
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0039'
down_revision: str | None = '0038'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'delivery_preference', sa.String(length=20), server_default='email', nullable=False
            )
        )
    op.create_table(
        'digests',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('organisation_id', sa.String(length=40), nullable=False),
        sa.Column('recipient_id', sa.String(length=40), nullable=True),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_digests_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_digests_recipient_id_recipients'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digests')),
        sa.UniqueConstraint('organisation_id', 'address', 'day', name=op.f('uq_digests_organisation_id_address_day')),
    )
    with op.batch_alter_table('digests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_digests_recipient_id'), ['recipient_id'], unique=False)
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_id', sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_deliveries_digest_id'), ['digest_id'])
        batch_op.create_foreign_key(batch_op.f('fk_deliveries_digest_id_digests'), 'digests', ['digest_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('own_words_share', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('constituent', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('digest_id', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_letters_digest_id'), ['digest_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_letters_digest_id_digests'), 'digests', ['digest_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_letters_digest_id_digests'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_letters_digest_id'))
        batch_op.drop_column('digest_id')
        batch_op.drop_column('constituent')
        batch_op.drop_column('own_words_share')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deliveries_digest_id_digests'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_deliveries_digest_id'), type_='unique')
        batch_op.drop_column('digest_id')
    op.drop_table('digests')
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_column('delivery_preference')
