"""The directory: organisations, API keys, recipients, their roles, postal-code tables.

Revision ID: 0001
Revises: 
Create Date: 2026-11-29 02:57:42.356814
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('organisations',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    op.create_table('api_keys',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_api_keys_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('digest', name=op.f('uq_api_keys_digest'))
    )
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_keys_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('postal_code_districts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.String(length=40), nullable=False),
    sa.Column('prefix', sa.String(length=6), nullable=False),
    sa.Column('district_code', sa.String(length=50), nullable=True),
    sa.Column('district_name', sa.String(length=300), nullable=False),
    sa.Column('district_province', sa.String(length=2), nullable=True),
    sa.Column('district_key', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_postal_code_districts_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postal_code_districts')),
    sa.UniqueConstraint('organisation_id', 'prefix', 'district_key', name=op.f('uq_postal_code_districts_organisation_id_prefix_district_key'))
    )
    with op.batch_alter_table('postal_code_districts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postal_code_districts_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('recipients',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.String(length=40), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('honorific', sa.String(length=100), nullable=True),
    sa.Column('first_name', sa.String(length=300), nullable=True),
    sa.Column('last_name', sa.String(length=300), nullable=True),
    sa.Column('display_name', sa.String(length=300), nullable=True),
    sa.Column('post_nominals', sa.String(length=100), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=True),
    sa.Column('party', sa.String(length=300), nullable=True),
    sa.Column('elected_office', sa.String(length=100), nullable=True),
    sa.Column('district_code', sa.String(length=50), nullable=True),
    sa.Column('district_name', sa.String(length=300), nullable=True),
    sa.Column('district_province', sa.String(length=2), nullable=True),
    sa.Column('district_key', sa.Text(), nullable=True),
    sa.Column('search_key', sa.Text(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('addresses', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('salutation_override', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_recipients_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipients')),
    sa.UniqueConstraint('organisation_id', 'external_id', name=op.f('uq_recipients_organisation_id_external_id'))
    )
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recipients_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_recipients_organisation_id_district_key', ['organisation_id', 'district_key'], unique=False)

    op.create_table('recipient_roles',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('recipient_id', sa.String(length=40), nullable=False),
    sa.Column('organisation_id', sa.String(length=40), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('title_fr', sa.String(length=300), nullable=True),
    sa.Column('title_en_key', sa.Text(), nullable=False),
    sa.Column('title_fr_key', sa.Text(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_recipient_roles_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['recipients.id'], name=op.f('fk_recipient_roles_recipient_id_recipients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_roles'))
    )
    with op.batch_alter_table('recipient_roles', schema=None) as batch_op:
        batch_op.create_index('ix_recipient_roles_organisation_id_title_en_key', ['organisation_id', 'title_en_key'], unique=False)
        batch_op.create_index('ix_recipient_roles_organisation_id_title_fr_key', ['organisation_id', 'title_fr_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_recipient_roles_recipient_id'), ['recipient_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('recipient_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recipient_roles_recipient_id'))
        batch_op.drop_index('ix_recipient_roles_organisation_id_title_fr_key')
        batch_op.drop_index('ix_recipient_roles_organisation_id_title_en_key')

    op.drop_table('recipient_roles')
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_recipients_organisation_id_district_key')
        batch_op.drop_index(batch_op.f('ix_recipients_organisation_id'))

    op.drop_table('recipients')
    with op.batch_alter_table('postal_code_districts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postal_code_districts_organisation_id'))

    op.drop_table('postal_code_districts')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_keys_organisation_id'))

    op.drop_table('api_keys')
    op.drop_table('organisations')
