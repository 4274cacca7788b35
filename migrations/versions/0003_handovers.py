"""handovers: cases with one regie-holder, and warm handovers with their timers

Revision ID: 0003_handovers
Revises: 0001
Create Date: 2026-11-25 03:30:24.462984
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db

revision: str = '0003_handovers'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('handover_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('regie_holder_id', sa.Integer(), nullable=False),
    sa.Column('regie_since', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reference_label', sa.String(length=80), nullable=True),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('wijk', sa.String(length=120), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('text_purged_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['people.id'], name=op.f('fk_handover_cases_created_by_people')),
    sa.ForeignKeyConstraint(['regie_holder_id'], ['people.id'], name=op.f('fk_handover_cases_regie_holder_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_cases'))
    )
    with op.batch_alter_table('handover_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_cases_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_cases_regie_holder_id'), ['regie_holder_id'], unique=False)

    op.create_table('handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('sender_organisation_id', sa.Integer(), nullable=False),
    sa.Column('stand_in_for_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('need', sa.Text(), nullable=True),
    sa.Column('reference_label', sa.String(length=80), nullable=True),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('decline_note', sa.Text(), nullable=True),
    sa.Column('decline_reason', sa.String(length=40), nullable=True),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('wijk', sa.String(length=120), nullable=True),
    sa.Column('consent_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('call_requested_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminder_due_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalate_due_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalated_to_id', sa.Integer(), nullable=True),
    sa.Column('expires_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kennismaking_due_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kennismaking_planned_for', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kennismaking_held_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kennismaking_nudged_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('text_purged_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('open', 'accepted', 'declined', 'withdrawn', 'expired')", name=op.f('ck_handovers_state')),
    sa.CheckConstraint('sender_id <> receiver_id', name=op.f('ck_handovers_not_to_self')),
    sa.ForeignKeyConstraint(['case_id'], ['handover_cases.id'], name=op.f('fk_handovers_case_id_handover_cases')),
    sa.ForeignKeyConstraint(['escalated_to_id'], ['people.id'], name=op.f('fk_handovers_escalated_to_id_people')),
    sa.ForeignKeyConstraint(['receiver_id'], ['people.id'], name=op.f('fk_handovers_receiver_id_people')),
    sa.ForeignKeyConstraint(['sender_id'], ['people.id'], name=op.f('fk_handovers_sender_id_people')),
    sa.ForeignKeyConstraint(['sender_organisation_id'], ['organisations.id'], name=op.f('fk_handovers_sender_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['stand_in_for_id'], ['people.id'], name=op.f('fk_handovers_stand_in_for_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handovers'))
    )
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handovers_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_escalate_due_at'), ['escalate_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_kennismaking_due_at'), ['kennismaking_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_receiver_id'), ['receiver_id'], unique=False)
        batch_op.create_index('ix_handovers_reference_key_state', ['reference_key', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_reminder_due_at'), ['reminder_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handovers_state'), ['state'], unique=False)
        # At most one open handover per case (regie can be on its way to one person only).
        batch_op.create_index('uq_handovers_open_case', ['case_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))


def downgrade() -> None:
    with op.batch_alter_table('handovers', schema=None) as batch_op:
        batch_op.drop_index('uq_handovers_open_case', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index(batch_op.f('ix_handovers_state'))
        batch_op.drop_index(batch_op.f('ix_handovers_sender_id'))
        batch_op.drop_index(batch_op.f('ix_handovers_reminder_due_at'))
        batch_op.drop_index('ix_handovers_reference_key_state')
        batch_op.drop_index(batch_op.f('ix_handovers_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_handovers_kennismaking_due_at'))
        batch_op.drop_index(batch_op.f('ix_handovers_expires_at'))
        batch_op.drop_index(batch_op.f('ix_handovers_escalate_due_at'))
        batch_op.drop_index(batch_op.f('ix_handovers_decided_at'))
        batch_op.drop_index(batch_op.f('ix_handovers_case_id'))

    op.drop_table('handovers')
    with op.batch_alter_table('handover_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_cases_regie_holder_id'))
        batch_op.drop_index(batch_op.f('ix_handover_cases_closed_at'))

    op.drop_table('handover_cases')
