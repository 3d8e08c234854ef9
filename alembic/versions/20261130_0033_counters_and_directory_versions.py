"""A campaign's counters move to a row of their own, so that the campaign's row (and its
updated_at) changes only when the campaign does: each action and each letter sent
update the counter row. Each organisation's directory has a version, moved by the
database on every change to its recipients, their roles and its postal table: the API
processes keep the campaign and the directory in memory, and one read of updated_at and
the version tells them whether what they hold is current.

Revision ID: 0033
Revises: 0032
Create Date: 2026-11-30 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0033'
down_revision: str | None = '0032'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DIRECTORY_TABLES = ('recipients', 'recipient_roles', 'postal_code_districts')
EVENTS = ('insert', 'update', 'delete')


def upgrade() -> None:
    op.create_table(
        'campaign_counters',
        sa.Column('campaign_id', sa.String(length=40), nullable=False),
        sa.Column('action_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('letter_count', sa.Integer(), server_default='0', nullable=False),
        sa.Column('sent_count', sa.Integer(), server_default='0', nullable=False),
        sa.ForeignKeyConstraint(
            ['campaign_id'],
            ['campaigns.id'],
            name=op.f('fk_campaign_counters_campaign_id_campaigns'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_campaign_counters')),
    )
    op.execute(
        'INSERT INTO campaign_counters (campaign_id, action_count, letter_count, sent_count) '
        'SELECT id, action_count, letter_count, sent_count FROM campaigns'
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('action_count')
        batch_op.drop_column('letter_count')
        batch_op.drop_column('sent_count')

    op.create_table(
        'directory_versions',
        sa.Column('organisation_id', sa.String(length=40), nullable=False),
        sa.Column('version', sa.BigInteger(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(
            ['organisation_id'],
            ['organisations.id'],
            name=op.f('fk_directory_versions_organisation_id_organisations'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_directory_versions')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers() -> None:
    # Once per statement, not per row: an import of 10,000 rows moves the version once.
    # An organisation being deleted takes its version row with it (the cascade), so the
    # version is only moved for organisations still there.
    op.execute(
        """
        CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO directory_versions (organisation_id, version)
            SELECT DISTINCT changed.organisation_id, 1 FROM changed
            JOIN organisations ON organisations.id = changed.organisation_id
            ON CONFLICT (organisation_id)
            DO UPDATE SET version = directory_versions.version + 1;
            RETURN NULL;
        END;
        $$
        """
    )
    for table in DIRECTORY_TABLES:
        for event in EVENTS:
            transition = 'OLD' if event == 'delete' else 'NEW'
            op.execute(
                f'CREATE TRIGGER {table}_{event}_directory_version AFTER {event.upper()} '
                f'ON {table} REFERENCING {transition} TABLE AS changed FOR EACH STATEMENT '
                'EXECUTE FUNCTION bump_directory_version()'
            )


def _sqlite_triggers() -> None:
    # SQLite has row triggers only.
    for table in DIRECTORY_TABLES:
        for event in EVENTS:
            row = 'OLD' if event == 'delete' else 'NEW'
            op.execute(
                f'CREATE TRIGGER {table}_{event}_directory_version AFTER {event.upper()} '
                f'ON {table} FOR EACH ROW '
                f'WHEN EXISTS (SELECT 1 FROM organisations WHERE id = {row}.organisation_id) '
                'BEGIN '
                f'INSERT INTO directory_versions (organisation_id, version) '
                f'VALUES ({row}.organisation_id, 1) '
                'ON CONFLICT (organisation_id) DO UPDATE SET version = version + 1; '
                'END'
            )


def downgrade() -> None:
    for table in DIRECTORY_TABLES:
        for event in EVENTS:
            op.execute(f'DROP TRIGGER {table}_{event}_directory_version' + (
                f' ON {table}' if op.get_bind().dialect.name == 'postgresql' else ''
            ))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION bump_directory_version()')
    op.drop_table('directory_versions')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('letter_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('action_count', sa.Integer(), server_default='0', nullable=False))
    op.execute(
        'UPDATE campaigns SET action_count = c.action_count, letter_count = c.letter_count, '
        'sent_count = c.sent_count FROM campaign_counters c WHERE c.campaign_id = campaigns.id'
    )
    op.drop_table('campaign_counters')
