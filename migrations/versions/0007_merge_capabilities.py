"""merge the capability branches into one line of history

Each capability added its tables on a branch from 0001 so the work could go on in
parallel; from here on there is one head and new migrations follow it.

Revision ID: 0007_merge
Revises: 0002_directory, 0003_handovers, 0004_scheduler, 0005_knelpunten, 0006_linking
"""

from collections.abc import Sequence

revision: str = "0007_merge"
down_revision: str | Sequence[str] | None = (
    "0002_directory",
    "0003_handovers",
    "0004_scheduler",
    "0005_knelpunten",
    "0006_linking",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the branches' tables are independent."""


def downgrade() -> None:
    """Nothing to undo."""
