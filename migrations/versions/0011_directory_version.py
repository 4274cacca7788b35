"""directory version: what changed in the directory, for in-memory copies

Every transaction that changes the directory raises `directory_version.version` and
notes the people it changed in `directory_changes` (directory.versioning), so each
process's in-memory directory index reloads only what changed.

Revision ID: 0011_directory_version
Revises: 0010_understanding
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_directory_version"
down_revision: str | Sequence[str] | None = "0010_understanding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """The version row starts at 1; no changes are listed yet (a start loads everything)."""
    version = op.create_table(
        "directory_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_version")),
    )
    op.create_table(
        "directory_changes",
        sa.Column("person_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_directory_changes")),
    )
    with op.batch_alter_table("directory_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_directory_changes_version"), ["version"], unique=False
        )
    op.bulk_insert(version, [{"id": 1, "version": 1}])


def downgrade() -> None:
    """Drop both tables."""
    with op.batch_alter_table("directory_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_changes_version"))
    op.drop_table("directory_changes")
    op.drop_table("directory_version")
