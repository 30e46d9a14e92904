"""Receipt numbers per year without gaps, disputes with proof files, collector actions

Revision ID: a7d3c9e1f5b2
Revises: d4a8e2f6b3c1
Create Date: 2026-12-05 08:50:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d3c9e1f5b2'
down_revision = 'd4a8e2f6b3c1'
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


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cases_version_positive'), type_='check')
        batch_op.drop_column('close_reason')
        batch_op.drop_column('version')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payments_recorded_by_id_staff_users'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
        batch_op.drop_column('payer_reference')
    op.drop_table('receipt_counters')
