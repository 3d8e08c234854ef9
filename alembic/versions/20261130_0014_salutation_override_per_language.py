"""A salutation override per language: salutation_override becomes English letters'
only, salutation_override_fr is French letters'.

An override written before served both languages. It is kept where its recipient's
letters are most likely written: in the French column for a recipient whose language is
French, in the English one otherwise (see the README, "Letters, templates and forms of
address").

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

recipients = sa.table(
    'recipients',
    sa.column('language', sa.String),
    sa.column('salutation_override', sa.String),
    sa.column('salutation_override_fr', sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('salutation_override_fr', sa.String(length=300), nullable=True)
        )
    op.execute(
        recipients.update()
        .where(recipients.c.language == 'fr', recipients.c.salutation_override.is_not(None))
        .values(
            salutation_override_fr=recipients.c.salutation_override, salutation_override=None
        )
    )


def downgrade() -> None:
    op.execute(
        recipients.update()
        .where(recipients.c.salutation_override_fr.is_not(None))
        .values(
            salutation_override=sa.func.coalesce(
                recipients.c.salutation_override, recipients.c.salutation_override_fr
            )
        )
    )
    with op.batch_alter_table('recipients', schema=None) as batch_op:
        batch_op.drop_column('salutation_override_fr')
