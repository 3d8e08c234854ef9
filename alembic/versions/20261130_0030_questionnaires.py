"""Did the official answer? The questions put to supporters after their letters left,
the campaign's delay before asking, and whether its responsiveness page is public
(issue 16).

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-30 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0030'
down_revision: str | None = '0029'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        # Campaigns that exist ask too, as new ones do by default.
        batch_op.add_column(
            sa.Column('questionnaire_days', sa.Integer(), server_default='14', nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                'responsiveness_public', sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.alter_column('questionnaire_days', server_default=None)
    op.create_table(
        'questionnaires',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('organisation_id', sa.String(length=40), nullable=False),
        sa.Column('letter_id', sa.String(length=40), nullable=False),
        sa.Column('delivery_id', sa.String(length=40), nullable=True),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answer', sa.String(length=10), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_questionnaires_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_questionnaires_letter_id_letters'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_questionnaires_delivery_id_deliveries'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaires')),
        sa.UniqueConstraint('letter_id', name=op.f('uq_questionnaires_letter_id')),
    )
    with op.batch_alter_table('questionnaires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaires_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaires_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index('ix_questionnaires_reminded_at_asked_at', ['reminded_at', 'asked_at'], unique=False)


def downgrade() -> None:
    op.drop_table('questionnaires')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('responsiveness_public')
        batch_op.drop_column('questionnaire_days')
