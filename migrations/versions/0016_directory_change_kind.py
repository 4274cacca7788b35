"""directory changes: the version of a person's last change beyond their accounts

`directory_changes.entry_version` is the version at which a person's entry (their row,
themes, wijken or acquaintances) last changed; NULL when only their accounts ever
changed. A replica behind a row's `version` but not behind its `entry_version` reloads
only that person's accounts (directory.versioning, directory.index.store).

Revision ID: 0016_directory_change_kind
Revises: 0015_link_code_attempts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_directory_change_kind"
down_revision: str | Sequence[str] | None = "0015_link_code_attempts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Rows listed so far may be any kind of change: count them as entry changes."""
    with op.batch_alter_table("directory_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("entry_version", sa.BigInteger(), nullable=True))
    op.execute("UPDATE directory_changes SET entry_version = version")


def downgrade() -> None:
    with op.batch_alter_table("directory_changes", schema=None) as batch_op:
        batch_op.drop_column("entry_version")
