"""event claims: which process handles an event and whether it finished

A platform event claimed by a process that died before finishing is redone by the
redelivery instead of being dropped as a duplicate (core.events).

Revision ID: 0008_event_claims
Revises: 0007_merge
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_event_claims"
down_revision: str | Sequence[str] | None = "0007_merge"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Claims made before this migration count as finished."""
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("instance", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("finished", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("processed_events", schema=None) as batch_op:
        batch_op.drop_column("finished")
        batch_op.drop_column("instance")
