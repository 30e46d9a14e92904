"""Settlement policy bands per creditor and settlement offers on cases

Revision ID: b8e4d2f6a1c3
Revises: a7d3c9e1f5b2
Create Date: 2026-12-06 02:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8e4d2f6a1c3'
down_revision = 'a7d3c9e1f5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'settlement_policy_bands',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('creditor_id', sa.Integer(), nullable=False),
        sa.Column('min_balance', sa.BigInteger(), nullable=False),
        sa.Column('max_balance', sa.BigInteger(), nullable=True),
        sa.Column('discount_bp', sa.Integer(), nullable=False),
        sa.Column('days_to_pay', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('min_balance >= 0 AND (max_balance IS NULL OR max_balance >= min_balance)', name=op.f('ck_settlement_policy_bands_balance_range')),
        sa.CheckConstraint('discount_bp > 0 AND discount_bp < 10000', name=op.f('ck_settlement_policy_bands_discount_range')),
        sa.CheckConstraint('days_to_pay >= 1 AND days_to_pay <= 90', name=op.f('ck_settlement_policy_bands_days_range')),
        sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_settlement_policy_bands_creditor_id_creditors')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['staff_users.id'], name=op.f('fk_settlement_policy_bands_updated_by_id_staff_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_policy_bands')),
    )
    with op.batch_alter_table('settlement_policy_bands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_policy_bands_creditor_id'), ['creditor_id'], unique=False)

    op.create_table(
        'settlement_offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=16), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('balance_at_offer', sa.BigInteger(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('discount_bp', sa.Integer(), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=False),
        sa.Column('source', sa.Enum('policy', 'collector', name='settlement_source', native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('status', sa.Enum('open', 'accepted', 'expired', 'withdrawn', name='settlement_status', native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('write_off_entry_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('amount > 0 AND amount < balance_at_offer', name=op.f('ck_settlement_offers_amount_range')),
        sa.CheckConstraint('discount_bp >= 0 AND discount_bp < 10000', name=op.f('ck_settlement_offers_discount_range')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_settlement_offers_case_id_cases')),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_users.id'], name=op.f('fk_settlement_offers_created_by_id_staff_users')),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_settlement_offers_payment_id_payments')),
        sa.ForeignKeyConstraint(['write_off_entry_id'], ['ledger_entries.id'], name=op.f('fk_settlement_offers_write_off_entry_id_ledger_entries')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_offers')),
        sa.UniqueConstraint('reference', name=op.f('uq_settlement_offers_reference')),
    )
    with op.batch_alter_table('settlement_offers', schema=None) as batch_op:
        batch_op.create_index('ix_settlement_offers_case_id_status', ['case_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('settlement_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_settlement_offers_case_id_status')
    op.drop_table('settlement_offers')
    with op.batch_alter_table('settlement_policy_bands', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_settlement_policy_bands_creditor_id'))
    op.drop_table('settlement_policy_bands')
