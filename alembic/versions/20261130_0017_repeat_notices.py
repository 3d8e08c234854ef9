"""When a mailbox was last told that its address was used to act again (issue 10).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 07:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'repeat_notices',
        sa.Column('mailbox_digest', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('mailbox_digest', name=op.f('pk_repeat_notices')),
    )
    with op.batch_alter_table('repeat_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repeat_notices_sent_at'), ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('repeat_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repeat_notices_sent_at'))
    op.drop_table('repeat_notices')
