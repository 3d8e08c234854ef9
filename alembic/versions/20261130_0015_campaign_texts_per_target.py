"""Campaign texts per kind of target, the request for a reply, and whether supporters may
write their own subject. Existing campaigns get none of the first two (their letters use
the campaign's general texts and the default request for a reply) and keep their subject.
An action keeps the subject its supporter wrote, so that erasure can find it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 07:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('target_texts', JSON_DOCUMENT, server_default=sa.text("'{}'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column('reply_request', JSON_DOCUMENT, server_default=sa.text("'{}'"), nullable=False)
        )
        batch_op.add_column(
            sa.Column('subject_editable', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('subject')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('subject_editable')
        batch_op.drop_column('reply_request')
        batch_op.drop_column('target_texts')
