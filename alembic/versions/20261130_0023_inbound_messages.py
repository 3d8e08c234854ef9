"""Messages that came back to a letter's own addresses: bounces, delays, auto-replies;
and what a campaign does when a letter bounces (issue 16).

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 08:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'inbound_messages',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('organisation_id', sa.String(length=40), nullable=False),
        sa.Column('letter_id', sa.String(length=40), nullable=True),
        sa.Column('action_id', sa.String(length=40), nullable=True),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_inbound_messages_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_inbound_messages_letter_id_letters'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_inbound_messages_action_id_actions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
    )
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_messages_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_messages_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_messages_action_id'), ['action_id'], unique=False)
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('on_bounce', sa.String(length=10), server_default='nothing', nullable=False)
        )
        batch_op.add_column(
            sa.Column('reply_capture', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        'replies',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('organisation_id', sa.String(length=40), nullable=False),
        sa.Column('letter_id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('body_text', sa.Text(), nullable=False),
        sa.Column('threaded', sa.Boolean(), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('forwarded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('scrubbed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_replies_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_replies_letter_id_letters'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_replies')),
    )
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replies_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_replies_letter_id'), ['letter_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replies_letter_id'))
        batch_op.drop_index(batch_op.f('ix_replies_organisation_id'))
    op.drop_table('replies')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('reply_capture')
        batch_op.drop_column('on_bounce')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_messages_action_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_messages_letter_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_messages_organisation_id'))
    op.drop_table('inbound_messages')
