"""Reminders: creditor sequences, each case's place in its sequence, contacts, e-mail opt-outs

Revision ID: 8215ea9f223a
Revises: e9b7ff715c61
Create Date: 2026-11-25 18:19:04.814055

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8215ea9f223a'
down_revision = 'e9b7ff715c61'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('debtor_preferences',
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('email_opt_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.id'], name=op.f('fk_debtor_preferences_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('debtor_id', name=op.f('pk_debtor_preferences'))
    )
    op.create_table('reminder_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'letter', 'email+letter', name='step_channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('template', sa.Enum('first_notice', 'reminder', 'formal_notice', name='step_template', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('tone', sa.Enum('courteous', 'firm', 'formal', name='step_tone', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.CheckConstraint('offset_days >= 0', name=op.f('ck_reminder_steps_offset_not_negative')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_reminder_steps_position_not_negative')),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_reminder_steps_creditor_id_creditors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_steps')),
    sa.UniqueConstraint('creditor_id', 'position', name=op.f('uq_reminder_steps_creditor_id_position'))
    )
    op.create_table('case_reminders',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_notice_reference', sa.String(length=20), nullable=True),
    sa.Column('first_notice_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_step_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_until', sa.Date(), nullable=True),
    sa.Column('pause_note', sa.String(length=200), nullable=True),
    sa.Column('time_bar', sa.Enum('none', 'required', 'cleared', name='time_bar_review', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('time_bar_cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('time_bar_cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('position >= 0', name=op.f('ck_case_reminders_position_not_negative')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_reminders_case_id_cases')),
    sa.ForeignKeyConstraint(['time_bar_cleared_by_id'], ['staff_users.id'], name=op.f('fk_case_reminders_time_bar_cleared_by_id_staff_users')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_reminders'))
    )
    with op.batch_alter_table('case_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_case_reminders_next_due_at', ['next_due_at'], unique=False)

    op.create_table('reminder_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('debtor_id', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(length=40), nullable=False),
    sa.Column('template', sa.String(length=40), nullable=False),
    sa.Column('channels', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reminder_contacts_case_id_cases')),
    sa.ForeignKeyConstraint(['debtor_id'], ['debtors.id'], name=op.f('fk_reminder_contacts_debtor_id_debtors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_contacts')),
    sa.UniqueConstraint('case_id', 'step_key', name=op.f('uq_reminder_contacts_case_id_step_key'))
    )
    with op.batch_alter_table('reminder_contacts', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_contacts_debtor_id_created_at', ['debtor_id', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('reminder_contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_contacts_debtor_id_created_at')

    op.drop_table('reminder_contacts')
    with op.batch_alter_table('case_reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_case_reminders_next_due_at')

    op.drop_table('case_reminders')
    op.drop_table('reminder_steps')
    op.drop_table('debtor_preferences')
