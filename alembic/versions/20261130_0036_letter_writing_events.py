"""Letter-writing events (app.events): an event of a campaign, and on each action
whether an advocate entered it for an attendee (`assisted`) and at which event.

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0036'
down_revision: str | None = '0035'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'events',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('organisation_id', sa.String(length=40), nullable=False),
        sa.Column('campaign_id', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('place', sa.String(length=200), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('created_by', sa.String(length=40), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('mailed_count', sa.Integer(), nullable=True),
        sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_events_organisation_id_organisations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_events_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_events_created_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_events')),
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_campaign_id'), ['campaign_id'], unique=False)
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('assisted', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column('event_id', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_actions_event_id'), ['event_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_actions_event_id_events'), 'events', ['event_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_actions_event_id_events'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_actions_event_id'))
        batch_op.drop_column('event_id')
        batch_op.drop_column('assisted')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_campaign_id'))
        batch_op.drop_index(batch_op.f('ix_events_organisation_id'))
    op.drop_table('events')
