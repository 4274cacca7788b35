"""link code attempts: the account a code was sent for, and its wrong codes (per-code limit)

Revision ID: 0015_link_code_attempts
Revises: 0014_inbox
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_link_code_attempts"
down_revision: str | Sequence[str] | None = "0014_inbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Three columns; existing codes are for no particular account and have no failures."""
    with op.batch_alter_table("link_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("for_platform", sa.String(20), nullable=True))
        batch_op.add_column(sa.Column("for_account", sa.String(120), nullable=True))
        batch_op.add_column(
            sa.Column("failures", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("link_codes", schema=None) as batch_op:
        batch_op.drop_column("failures")
        batch_op.drop_column("for_account")
        batch_op.drop_column("for_platform")
