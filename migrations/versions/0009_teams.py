"""teams: conversation references for replies and proactive messages

Revision ID: 0009_teams
Revises: 0008_event_claims
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = "0009_teams"
down_revision: str | Sequence[str] | None = "0008_event_claims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Where the bot can reach a Teams person or conversation again."""
    op.create_table(
        "teams_conversations",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("conversation_id", sa.String(length=300), nullable=False),
        sa.Column("service_url", sa.String(length=300), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=200), nullable=True),
        sa.Column("bot_id", sa.String(length=200), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index(
        "ix_teams_conversations_updated_at", "teams_conversations", ["updated_at"], unique=False
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_teams_conversations_updated_at", table_name="teams_conversations")
    op.drop_table("teams_conversations")
