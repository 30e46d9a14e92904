"""Message delivery claims: a batch of pending e-mails is taken by one run at a time

Revision ID: 5c1f0d2b7a64
Revises: e940cbfa5afb
Create Date: 2026-11-26 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1f0d2b7a64'
down_revision = 'e940cbfa5afb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
