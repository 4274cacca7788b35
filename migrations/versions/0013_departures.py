"""departures: a person's leaving date, successor, when they left and when they were erased

The audit trail stays append-only, with one exception: an erased person's id may be
replaced by a pseudonym (actor 'person:N' → 'pseudonym:…', and the object id of rows about
that person), every other column unchanged.

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
    _audit_rule(PSEUDONYMISE_ONLY)


# An UPDATE of the audit trail may only put a pseudonym in place of a person.
ALLOWED = (
    "NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action "
    "AND NEW.object_type = OLD.object_type AND NEW.result = OLD.result "
    "AND NEW.origin = OLD.origin "
    "AND (NEW.actor = OLD.actor OR (OLD.actor LIKE 'person:%' AND NEW.actor LIKE 'pseudonym:%')) "
    "AND (NEW.object_id = OLD.object_id OR (OLD.object_type = 'person' "
    "AND NEW.object_id LIKE 'pseudonym:%'))"
)
PSEUDONYMISE_ONLY = True


def _audit_rule(pseudonyms: bool) -> None:
    """Replace the append-only trigger: with or without the pseudonymisation exception."""
    if op.get_bind().dialect.name == "postgresql":
        allowed = (
            f"IF TG_OP = 'UPDATE' AND {ALLOWED} THEN RETURN NEW; END IF; " if pseudonyms else ""
        )
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {allowed}"
            "RAISE EXCEPTION 'audit_log is append-only'; END; $$"
        )
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    when = f"WHEN NOT ({ALLOWED}) " if pseudonyms else ""
    op.execute(
        f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log {when}"
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )


def downgrade() -> None:
    """Drop the four columns; the audit trail is strictly append-only again."""
    _audit_rule(False)
    op.drop_index(op.f("ix_people_left_at"), table_name="people")
    op.drop_index(op.f("ix_people_successor_id"), table_name="people")
    op.drop_index(op.f("ix_people_leaving_on"), table_name="people")
    for column in ("erased_at", "left_at", "successor_id", "leaving_on"):
        op.drop_column("people", column)
