"""Receipt numbers per year without gaps, disputes with proof files, collector actions

Revision ID: a7d3c9e1f5b2
Revises: f6c2a8d4e1b9
Create Date: 2026-12-05 08:50:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d3c9e1f5b2'
down_revision = 'f6c2a8d4e1b9'
branch_labels = None
depends_on = None


def _seed_receipt_counters():
    """Start each year's counter after the highest number already given (numbers followed
    payment ids until now: the old gaps stay, the new numbers never collide with them)."""
    bind = op.get_bind()
    highest: dict[int, int] = {}
    for (number,) in bind.execute(sa.text("SELECT number FROM receipts WHERE number IS NOT NULL")):
        found = re.fullmatch(r"Q(\d{4})-(\d+)", number)
        if found:
            year, value = int(found[1]), int(found[2])
            highest[year] = max(highest.get(year, 0), value)
    counters = sa.table("receipt_counters", sa.column("year"), sa.column("last_number"))
    if highest:
        op.bulk_insert(counters, [{"year": y, "last_number": n} for y, n in highest.items()])


def upgrade():
    op.create_table(
        'receipt_counters',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.CheckConstraint('last_number >= 0', name=op.f('ck_receipt_counters_last_number_not_negative')),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_receipt_counters')),
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payer_reference', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_payments_recorded_by_id_staff_users'), 'staff_users', ['recorded_by_id'], ['id']
        )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('close_reason', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(op.f('ck_cases_version_positive'), 'version >= 1')
    _seed_receipt_counters()
    op.create_table(
        'disputes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Enum('already_paid', 'not_my_debt', 'wrong_amount', 'other', name='dispute_reason', native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('status', sa.Enum('open', 'upheld', 'rejected', name='dispute_status', native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('case_status_before', sa.String(length=32), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('explanation', sa.Text(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_disputes_case_id_cases')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['staff_users.id'], name=op.f('fk_disputes_decided_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disputes_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_disputes_case_id_open', ['case_id'], unique=True,
                              postgresql_where=sa.text("status = 'open'"),
                              sqlite_where=sa.text("status = 'open'"))
    op.create_table(
        'dispute_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_messages_dispute_id_disputes')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_messages')),
    )
    with op.batch_alter_table('dispute_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_messages_dispute_id'), ['dispute_id'], unique=False)
    op.create_table(
        'dispute_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dispute_id', sa.Integer(), nullable=False),
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=50), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('size > 0 AND size <= 10485760', name=op.f('ck_dispute_files_size_allowed')),
        sa.CheckConstraint("content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name=op.f('ck_dispute_files_file_type')),
        sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_files_dispute_id_disputes')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_files')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_dispute_files_storage_key')),
    )
    with op.batch_alter_table('dispute_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_files_dispute_id'), ['dispute_id'], unique=False)
    op.create_table(
        'case_notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('staff_user_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases')),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_case_notes_staff_user_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes')),
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index('ix_case_notes_case_id_created_at', ['case_id', 'created_at'], unique=False)
    op.create_table(
        'callback_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('slot_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'done', 'cancelled')", name=op.f('ck_callback_requests_callback_status')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_callback_requests_case_id_cases')),
        sa.ForeignKeyConstraint(['done_by_id'], ['staff_users.id'], name=op.f('fk_callback_requests_done_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_requests')),
    )
    with op.batch_alter_table('callback_requests', schema=None) as batch_op:
        batch_op.create_index('ix_callback_requests_status_slot_at', ['status', 'slot_at'], unique=False)
        batch_op.create_index('ix_callback_requests_case_id', ['case_id'], unique=False)
    with op.batch_alter_table('debtor_preferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), nullable=True))
        batch_op.create_check_constraint(op.f('ck_debtor_preferences_preferred_channel'), "channel IN ('email', 'letter', 'phone')")


def downgrade():
    with op.batch_alter_table('debtor_preferences', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_debtor_preferences_preferred_channel'), type_='check')
        batch_op.drop_column('channel')
    op.drop_table('callback_requests')
    op.drop_table('case_notes')
    op.drop_table('dispute_files')
    op.drop_table('dispute_messages')
    op.drop_table('disputes')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cases_version_positive'), type_='check')
        batch_op.drop_column('close_reason')
        batch_op.drop_column('version')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_recorded_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
        batch_op.drop_column('payer_reference')
    op.drop_table('receipt_counters')
