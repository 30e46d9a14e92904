"""Instalment plans: creditor policy bands, proposals, plans, instalments

One pending proposal and one live (active or at-risk) plan per case, by partial unique indexes.

Revision ID: e9b7ff715c61
Revises: 3ea1d9f5a991
Create Date: 2026-11-25 18:17:51.843112

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e9b7ff715c61'
down_revision = '3ea1d9f5a991'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('break_after_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('break_after_days >= 0', name=op.f('ck_plan_policies_break_after_positive')),
    sa.CheckConstraint('grace_days >= 0', name=op.f('ck_plan_policies_grace_days_positive')),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_plan_policies_creditor_id_creditors')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['staff_users.id'], name=op.f('fk_plan_policies_updated_by_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_policies')),
    sa.UniqueConstraint('creditor_id', name=op.f('uq_plan_policies_creditor_id'))
    )
    op.create_table('plan_policy_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('floor', sa.BigInteger(), nullable=False),
    sa.Column('max_count_auto', sa.Integer(), nullable=False),
    sa.Column('max_count_hard', sa.Integer(), nullable=False),
    sa.Column('min_instalment_auto', sa.BigInteger(), nullable=False),
    sa.Column('min_instalment_hard', sa.BigInteger(), nullable=False),
    sa.Column('max_duration_days_auto', sa.Integer(), nullable=False),
    sa.Column('max_duration_days_hard', sa.Integer(), nullable=False),
    sa.Column('min_first_percent_auto', sa.Integer(), nullable=False),
    sa.Column('min_first_percent_hard', sa.Integer(), nullable=False),
    sa.Column('first_due_days_auto', sa.Integer(), nullable=False),
    sa.Column('first_due_days_hard', sa.Integer(), nullable=False),
    sa.Column('frequencies_auto', sa.String(length=64), nullable=False),
    sa.Column('frequencies_hard', sa.String(length=64), nullable=False),
    sa.CheckConstraint('first_due_days_auto >= 0 AND first_due_days_hard >= first_due_days_auto', name=op.f('ck_plan_policy_bands_first_due')),
    sa.CheckConstraint('floor >= 0', name=op.f('ck_plan_policy_bands_floor_positive')),
    sa.CheckConstraint('max_count_auto >= 1 AND max_count_hard >= max_count_auto', name=op.f('ck_plan_policy_bands_count')),
    sa.CheckConstraint('max_duration_days_auto >= 0 AND max_duration_days_hard >= max_duration_days_auto', name=op.f('ck_plan_policy_bands_duration')),
    sa.CheckConstraint('min_first_percent_hard >= 0 AND min_first_percent_auto >= min_first_percent_hard AND min_first_percent_auto <= 100', name=op.f('ck_plan_policy_bands_first_percent')),
    sa.CheckConstraint('min_instalment_hard >= 0 AND min_instalment_auto >= min_instalment_hard', name=op.f('ck_plan_policy_bands_min_instalment')),
    sa.ForeignKeyConstraint(['policy_id'], ['plan_policies.id'], name=op.f('fk_plan_policy_bands_policy_id_plan_policies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_policy_bands')),
    sa.UniqueConstraint('policy_id', 'floor', name=op.f('uq_plan_policy_bands_policy_id_floor'))
    )
    with op.batch_alter_table('plan_policy_bands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_policy_bands_policy_id'), ['policy_id'], unique=False)

    op.create_table('plan_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by', sa.Enum('debtor', 'collector', name='proposed_by', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('instalment_amount', sa.BigInteger(), nullable=True),
    sa.Column('frequency', sa.Enum('monthly', 'biweekly', 'weekly', name='plan_frequency', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('first_due_on', sa.Date(), nullable=False),
    sa.Column('schedule', sa.JSON(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'rejected', 'countered', 'accepted', 'declined', 'withdrawn', name='proposal_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('policy_outcome', sa.String(length=16), nullable=False),
    sa.Column('policy_reasons', sa.JSON(), nullable=False),
    sa.Column('reason_codes', sa.JSON(), nullable=False),
    sa.Column('reason_text', sa.Text(), nullable=True),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_ip', sa.String(length=45), nullable=True),
    sa.Column('consent_user_agent', sa.String(length=300), nullable=True),
    sa.Column('consent_text_version', sa.String(length=20), nullable=True),
    sa.Column('budget_income', sa.BigInteger(), nullable=True),
    sa.Column('budget_expenses', sa.BigInteger(), nullable=True),
    sa.Column('auto_decided', sa.Boolean(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("policy_outcome IN ('auto', 'review', 'refused')", name=op.f('ck_plan_proposals_outcome')),
    sa.CheckConstraint('(budget_income IS NULL OR budget_income >= 0) AND (budget_expenses IS NULL OR budget_expenses >= 0)', name=op.f('ck_plan_proposals_budget_positive')),
    sa.CheckConstraint('count >= 1', name=op.f('ck_plan_proposals_count_positive')),
    sa.CheckConstraint('instalment_amount IS NULL OR instalment_amount > 0', name=op.f('ck_plan_proposals_amount_positive')),
    sa.CheckConstraint('total > 0', name=op.f('ck_plan_proposals_total_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_plan_proposals_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_plan_proposals_created_by_id_staff_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['staff_users.id'], name=op.f('fk_plan_proposals_decided_by_id_staff_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['plan_proposals.id'], name=op.f('fk_plan_proposals_parent_id_plan_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_proposals'))
    )
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_proposals_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_plan_proposals_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index('uq_plan_proposals_open_case', ['case_id'], unique=True, sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('active', 'at_risk', 'completed', 'broken', 'cancelled', name='plan_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('at_risk_since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('total > 0', name=op.f('ck_plans_total_positive')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_plans_case_id_cases')),
    sa.ForeignKeyConstraint(['proposal_id'], ['plan_proposals.id'], name=op.f('fk_plans_proposal_id_plan_proposals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_plans_proposal_id'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_plans_status', ['status'], unique=False)
        batch_op.create_index('uq_plans_live_case', ['case_id'], unique=True, sqlite_where=sa.text("status IN ('active', 'at_risk')"), postgresql_where=sa.text("status IN ('active', 'at_risk')"))

    op.create_table('instalments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('due', 'paid', 'overdue', name='instalment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(status = 'paid') = (paid_amount = amount)", name=op.f('ck_instalments_paid_when_covered')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_instalments_amount_positive')),
    sa.CheckConstraint('paid_amount >= 0 AND paid_amount <= amount', name=op.f('ck_instalments_paid_within_amount')),
    sa.CheckConstraint('sequence >= 1', name=op.f('ck_instalments_sequence_positive')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_instalments_plan_id_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instalments')),
    sa.UniqueConstraint('plan_id', 'sequence', name=op.f('uq_instalments_plan_id_sequence'))
    )
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.create_index('ix_instalments_status_due_on', ['status', 'due_on'], unique=False)



def downgrade():
    with op.batch_alter_table('instalments', schema=None) as batch_op:
        batch_op.drop_index('ix_instalments_status_due_on')

    op.drop_table('instalments')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('uq_plans_live_case', sqlite_where=sa.text("status IN ('active', 'at_risk')"), postgresql_where=sa.text("status IN ('active', 'at_risk')"))
        batch_op.drop_index('ix_plans_status')
        batch_op.drop_index(batch_op.f('ix_plans_case_id'))

    op.drop_table('plans')
    with op.batch_alter_table('plan_proposals', schema=None) as batch_op:
        batch_op.drop_index('uq_plan_proposals_open_case', sqlite_where=sa.text("status = 'pending'"), postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index('ix_plan_proposals_status_created_at')
        batch_op.drop_index(batch_op.f('ix_plan_proposals_case_id'))

    op.drop_table('plan_proposals')
    with op.batch_alter_table('plan_policy_bands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_policy_bands_policy_id'))

    op.drop_table('plan_policy_bands')
    op.drop_table('plan_policies')
