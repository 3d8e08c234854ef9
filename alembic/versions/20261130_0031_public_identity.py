"""The organisation's public identity (logo, colour, privacy policy, contact, consent
question, next action) and the campaign's image, links and next step.

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0031'
down_revision: str | None = '0030'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('brand_colour', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('privacy_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('contact_address', sa.String(length=300), nullable=True))
        batch_op.add_column(
            sa.Column('consent_text', JSON, server_default=sa.text("'{}'"), nullable=False)
        )
        batch_op.add_column(sa.Column('next_action', JSON, nullable=True))
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_url', sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column('image_alt', JSON, server_default=sa.text("'{}'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column('learn_more', JSON, server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column('next_action', JSON, nullable=True))
        batch_op.add_column(
            sa.Column('thanks_redirect_url', sa.String(length=500), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        for column in (
            'thanks_redirect_url', 'next_action', 'learn_more', 'image_alt', 'image_url',
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        for column in (
            'next_action', 'consent_text', 'contact_address', 'contact_email', 'privacy_url',
            'brand_colour', 'logo_url',
        ):
            batch_op.drop_column(column)
