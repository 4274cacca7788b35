"""directory: indexes for search at scale (special roles, e-mail in any case)

Revision ID: 0002_directory
Revises: 0001
Create Date: 2026-11-25 04:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002_directory'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPECIAL_ROLES = "CAST(roles AS VARCHAR) != '[]'"


def upgrade() -> None:
    # Partial index over the few people with a special role (oliemannetje, procesregisseur …):
    # the no-match answer of /wie looks them up without scanning the whole directory.
    op.create_index(
        'ix_people_special_roles',
        'people',
        ['id'],
        unique=False,
        sqlite_where=sa.text(SPECIAL_ROLES),
        postgresql_where=sa.text(SPECIAL_ROLES),
    )
    # Linking a Slack user by the e-mail address Slack reports compares lower(email).
    op.create_index('ix_people_email_lower', 'people', [sa.text('lower(email)')], unique=False)


def downgrade() -> None:
    op.drop_index('ix_people_email_lower', table_name='people')
    op.drop_index('ix_people_special_roles', table_name='people')
