"""An API key's name is unique in its organisation. Keys that already share a name keep
it in the order they were made: the first keeps the name, the next are renamed
"name (2)", "name (3)"... (skipping names another key has), so the constraint can hold.
And an organisation's own DKIM key: its signing domain, selector and sealed private key.

Revision ID: 0038
Revises: 0037
Create Date: 2026-11-30 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0038'
down_revision: str | None = '0037'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_LENGTH = 300


def upgrade() -> None:
    rename_duplicate_key_names(op.get_bind())
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.create_unique_constraint(
            'uq_api_keys_organisation_id_name', ['organisation_id', 'name']
        )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dkim_domain', sa.String(length=253), nullable=True))
        batch_op.add_column(sa.Column('dkim_selector', sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column('dkim_private_key', sa.Text(), nullable=True))


def rename_duplicate_key_names(connection: sa.Connection) -> None:
    keys = connection.execute(
        sa.text('SELECT id, organisation_id, name FROM api_keys ORDER BY created_at, id')
    ).all()
    taken: dict[str, set[str]] = {}
    for key in keys:
        taken.setdefault(key.organisation_id, set()).add(key.name)
    seen: dict[str, set[str]] = {}
    for key in keys:
        names = seen.setdefault(key.organisation_id, set())
        if key.name not in names:
            names.add(key.name)
            continue
        new_name = _free_name(key.name, taken[key.organisation_id])
        taken[key.organisation_id].add(new_name)
        names.add(new_name)
        connection.execute(
            sa.text('UPDATE api_keys SET name = :name WHERE id = :id'),
            {'name': new_name, 'id': key.id},
        )


def _free_name(name: str, taken: set[str]) -> str:
    number = 2
    while True:
        suffix = f' ({number})'
        candidate = name[: NAME_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def downgrade() -> None:
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('dkim_private_key')
        batch_op.drop_column('dkim_selector')
        batch_op.drop_column('dkim_domain')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_api_keys_organisation_id_name', type_='unique')
