"""Webhook events recorded then applied: the event's object kept, outcome NULL until applied

Revision ID: b7e2c4a9d013
Revises: 5c1f0d2b7a64
Create Date: 2026-11-26 21:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4a9d013'
down_revision = '5c1f0d2b7a64'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('object', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('attempts', sa.Integer(), server_default='0', nullable=False)
        )
        batch_op.alter_column('outcome', existing_type=sa.String(length=32), nullable=True)
        batch_op.create_index(
            'ix_webhook_events_pending',
            ['id'],
            unique=False,
            postgresql_where=sa.text('outcome IS NULL'),
            sqlite_where=sa.text('outcome IS NULL'),
        )


def downgrade():
    # Events still waiting are marked so the NOT NULL comes back; reconcile cannot re-apply them
    # (they count as recorded), so apply them first: `flask portal reconcile`.
    op.execute("UPDATE webhook_events SET outcome = 'pending' WHERE outcome IS NULL")
    with op.batch_alter_table('webhook_events', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_events_pending')
        batch_op.alter_column('outcome', existing_type=sa.String(length=32), nullable=False)
        batch_op.drop_column('attempts')
        batch_op.drop_column('object')
