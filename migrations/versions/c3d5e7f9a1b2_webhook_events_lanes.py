"""Webhook events in lanes: two runs apply events at once, each its own lane's

Revision ID: c3d5e7f9a1b2
Revises: b7e2c4a9d013
Create Date: 2026-11-26 21:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3d5e7f9a1b2'
down_revision = 'b7e2c4a9d013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('lane', sa.SmallInteger(), server_default='0', nullable=False)
        )
        batch_op.drop_index('ix_webhook_events_pending')
        batch_op.create_index(
            'ix_webhook_events_pending',
            ['lane', 'id'],
            unique=False,
            postgresql_where=sa.text('outcome IS NULL'),
            sqlite_where=sa.text('outcome IS NULL'),
        )


def downgrade():
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_events_pending')
        batch_op.create_index(
            'ix_webhook_events_pending',
            ['id'],
            unique=False,
            postgresql_where=sa.text('outcome IS NULL'),
            sqlite_where=sa.text('outcome IS NULL'),
        )
        batch_op.drop_column('lane')
