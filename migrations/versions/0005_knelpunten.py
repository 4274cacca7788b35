"""knelpunten, their 'ik ook' supporters, and the monthly report claim

Revision ID: 0005_knelpunten
Revises: 0001
Create Date: 2026-11-25 03:32:11.495944
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = '0005_knelpunten'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('knelpunten',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=True),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('taken_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('redacted_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['handler_id'], ['people.id'], name=op.f('fk_knelpunten_handler_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reporter_id'], ['people.id'], name=op.f('fk_knelpunten_reporter_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knelpunten'))
    )
    with op.batch_alter_table('knelpunten', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knelpunten_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_knelpunten_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_knelpunten_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knelpunten_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_knelpunten_status'), ['status'], unique=False)

    op.create_table('knelpunt_supports',
    sa.Column('knelpunt_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['knelpunt_id'], ['knelpunten.id'], name=op.f('fk_knelpunt_supports_knelpunt_id_knelpunten'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_knelpunt_supports_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('knelpunt_id', 'person_id', name=op.f('pk_knelpunt_supports'))
    )
    with op.batch_alter_table('knelpunt_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_knelpunt_supports_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_knelpunt_supports_person_id'), ['person_id'], unique=False)

    op.create_table('report_posts',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('channel', sa.String(length=160), nullable=False),
    sa.Column('claimed_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_report_posts'))
    )


def downgrade() -> None:
    op.drop_table('report_posts')
    with op.batch_alter_table('knelpunt_supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knelpunt_supports_person_id'))
        batch_op.drop_index(batch_op.f('ix_knelpunt_supports_at'))

    op.drop_table('knelpunt_supports')
    with op.batch_alter_table('knelpunten', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_knelpunten_status'))
        batch_op.drop_index(batch_op.f('ix_knelpunten_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_knelpunten_handler_id'))
        batch_op.drop_index(batch_op.f('ix_knelpunten_created_at'))
        batch_op.drop_index(batch_op.f('ix_knelpunten_closed_at'))

    op.drop_table('knelpunten')
