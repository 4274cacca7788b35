"""linking: one-time link codes, wrong-attempt counters, Telegram callback tokens

Revision ID: 0006_linking
Revises: 0001
Create Date: 2026-11-25 03:31:11.808727
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = '0006_linking'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('link_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('used_on', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['issued_by'], ['people.id'], name=op.f('fk_link_codes_issued_by_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_link_codes_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_link_codes_code_hash'))
    )
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_codes_person_id'), ['person_id'], unique=False)

    op.create_table('link_attempts',
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('account', sa.String(length=120), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('platform', 'account', name=op.f('pk_link_attempts'))
    )
    op.create_table('telegram_callbacks',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('action_id', sa.String(length=120), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_telegram_callbacks'))
    )
    with op.batch_alter_table('telegram_callbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_telegram_callbacks_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('telegram_callbacks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_telegram_callbacks_created_at'))
    op.drop_table('telegram_callbacks')
    op.drop_table('link_attempts')
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_codes_person_id'))
    op.drop_table('link_codes')
