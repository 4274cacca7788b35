"""understanding: theme hints and learned synonyms

`themes.hints` holds words that describe a theme rather than name it (weaker than a
synonym); `learned_synonyms` remembers which theme someone chose when /wie asked back.

Revision ID: 0010_understanding
Revises: 0009_teams
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "0010_understanding"
down_revision: str | Sequence[str] | None = "0009_teams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the hints column and the learned synonyms table."""
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hints", sa.JSON(), nullable=True))
    op.execute("UPDATE themes SET hints = '[]'")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.alter_column("hints", existing_type=sa.JSON(), nullable=False)
    op.create_table(
        "learned_synonyms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("words", sa.String(length=120), nullable=False),
        sa.Column("theme_key", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["people.id"],
            name=op.f("fk_learned_synonyms_decided_by_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_synonyms")),
        sa.UniqueConstraint("words", "theme_key", name=op.f("uq_learned_synonyms_words")),
    )


def downgrade() -> None:
    """Drop the table and the column."""
    op.drop_table("learned_synonyms")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_column("hints")
