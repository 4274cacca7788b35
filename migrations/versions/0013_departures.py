"""departures: a person's leaving date, successor, when they left and when they were erased

Revision ID: 0013_departures
Revises: 0012_web_signin
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "0013_departures"
down_revision: str | Sequence[str] | None = "0012_web_signin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Four nullable columns on people; nobody is leaving yet. Plain ALTER TABLE (no batch
    copy on SQLite, which would lose the expression index on lower(email))."""
    op.add_column("people", sa.Column("leaving_on", sa.Date(), nullable=True))
    # A plain id, no foreign key: people rows are never deleted (erasure blanks them and
    # clears every reference to the person), and SQLite cannot add a named key in place.
    op.add_column("people", sa.Column("successor_id", sa.Integer(), nullable=True))
    op.add_column("people", sa.Column("left_at", core.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column(
        "people", sa.Column("erased_at", core.db.UTCDateTime(timezone=True), nullable=True)
    )
    op.create_index(op.f("ix_people_leaving_on"), "people", ["leaving_on"], unique=False)
    op.create_index(op.f("ix_people_successor_id"), "people", ["successor_id"], unique=False)
    op.create_index(op.f("ix_people_left_at"), "people", ["left_at"], unique=False)


def downgrade() -> None:
    """Drop the four columns."""
    op.drop_index(op.f("ix_people_left_at"), table_name="people")
    op.drop_index(op.f("ix_people_successor_id"), table_name="people")
    op.drop_index(op.f("ix_people_leaving_on"), table_name="people")
    for column in ("erased_at", "left_at", "successor_id", "leaving_on"):
        op.drop_column("people", column)
