"""Messages name a document attached when they are sent (a receipt's PDF)

Revision ID: d4a8e2f6b3c1
Revises: c3d5e7f9a1b2
Create Date: 2026-11-26 04:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a8e2f6b3c1'
down_revision = 'c3d5e7f9a1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('attachment')
