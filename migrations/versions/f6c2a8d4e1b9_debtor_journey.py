"""The debtor's journey: interest entries carry their yearly rate

Revision ID: f6c2a8d4e1b9
Revises: a2c4e6f8b0d1
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6c2a8d4e1b9'
down_revision = 'a2c4e6f8b0d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('annual_rate_bp', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            'rate_of_interest',
            "annual_rate_bp IS NULL OR (kind = 'interest' AND annual_rate_bp >= 0)",
        )


def downgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_constraint('ck_ledger_entries_rate_of_interest', type_='check')
        batch_op.drop_column('annual_rate_bp')
