"""A letter's HTML is made from its text when it is read (its email, the API), not
stored: letters lose `body_html`. HTML is a function of the text, language and subject
alone (app.campaigns.rendering.html_of), so nothing is lost; going down makes it again
for every letter, as that function made it when this migration was written (a copy
below, so that later changes to the function do not change what going down writes).
An erased letter's HTML was erased with its text: it goes down as "".

Revision ID: 0043
Revises: 0042
Create Date: 2026-11-30 17:20:00.000000
"""

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from alembic import op
from markupsafe import escape

revision: str = '0043'
down_revision: str | None = '0042'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000

letters = sa.table(
    'letters',
    sa.column('id', sa.String),
    sa.column('language', sa.String),
    sa.column('subject', sa.String),
    sa.column('body_text', sa.Text),
    sa.column('body_html', sa.Text),
    sa.column('scrubbed_at', sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('body_html')


def downgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('body_html', sa.Text(), nullable=True))
    connection = op.get_bind()
    after = ''
    while True:
        rows = connection.execute(
            sa.select(
                letters.c.id, letters.c.language, letters.c.subject, letters.c.body_text,
                letters.c.scrubbed_at,
            )
            .where(letters.c.id > after)
            .order_by(letters.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            letters.update().where(letters.c.id == sa.bindparam('letter_id')),
            [
                {
                    'letter_id': row.id,
                    'body_html': (
                        '' if row.scrubbed_at is not None
                        else _html_of(row.body_text, row.language, row.subject)
                    ),
                }
                for row in rows
            ],
        )
        after = rows[-1].id
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.alter_column('body_html', existing_type=sa.Text(), nullable=False)


def _paragraphs(text: str) -> Iterable[list[str]]:
    block: list[str] = []
    for line in text.splitlines():
        if line:
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def _html_of(text: str, language: str, title: str) -> str:
    body = "\n".join(
        "<p>" + "<br>\n".join(str(escape(line)) for line in block) + "</p>"
        for block in _paragraphs(text)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )
