"""Placement imports, API tokens, idempotent requests, rate windows, outgoing webhooks, creditor digests, remittance statements; debt lines may have the basis "other"

Revision ID: a2c4e6f8b0d1
Revises: f1a2b3c4d5e6
Create Date: 2026-12-05 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a2c4e6f8b0d1'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('placement_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('loaded_digest', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_placement_imports_creditor_id_creditors')),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_placement_imports_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement_imports')),
    sa.UniqueConstraint('creditor_id', 'loaded_digest', name=op.f('uq_placement_imports_creditor_id_loaded_digest'))
    )
    op.create_index(op.f('ix_placement_imports_creditor_id'), 'placement_imports', ['creditor_id'], unique=False)
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_api_tokens_creditor_id_creditors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_index(op.f('ix_api_tokens_creditor_id'), 'api_tokens', ['creditor_id'], unique=False)
    op.create_table('api_idempotent_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('request_digest', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_api_idempotent_requests_token_id_api_tokens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotent_requests')),
    sa.UniqueConstraint('token_id', 'key', name=op.f('uq_api_idempotent_requests_token_id_key'))
    )
    op.create_table('api_rate_windows',
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('window', sa.BigInteger(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_api_rate_windows_token_id_api_tokens')),
    sa.PrimaryKeyConstraint('token_id', 'window', name=op.f('pk_api_rate_windows'))
    )
    op.create_table('webhook_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('cursor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_webhook_endpoints_creditor_id_creditors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints'))
    )
    op.create_index(op.f('ix_webhook_endpoints_creditor_id'), 'webhook_endpoints', ['creditor_id'], unique=False)
    op.create_table('webhook_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('audit_event_id', sa.Integer(), nullable=False),
    sa.Column('event_type', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['audit_event_id'], ['audit_events.id'], name=op.f('fk_webhook_deliveries_audit_event_id_audit_events')),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('endpoint_id', 'audit_event_id', name=op.f('uq_webhook_deliveries_endpoint_id_audit_event_id'))
    )
    op.create_index('ix_webhook_deliveries_status_next_attempt_at', 'webhook_deliveries', ['status', 'next_attempt_at'], unique=False)
    op.create_table('creditor_digests',
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('covered_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_creditor_digests_staff_user_id_staff_users')),
    sa.PrimaryKeyConstraint('staff_user_id', name=op.f('pk_creditor_digests'))
    )
    op.create_table('remittance_statements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('creditor_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('received', sa.BigInteger(), nullable=False),
    sa.Column('reversed', sa.BigInteger(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('commission', sa.BigInteger(), nullable=False),
    sa.Column('net_due', sa.BigInteger(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['creditor_id'], ['creditors.id'], name=op.f('fk_remittance_statements_creditor_id_creditors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance_statements')),
    sa.UniqueConstraint('creditor_id', 'number', name=op.f('uq_remittance_statements_creditor_id_number'))
    )
    op.create_index(op.f('ix_remittance_statements_creditor_id'), 'remittance_statements', ['creditor_id'], unique=False)
    op.create_table('remittance_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('ledger_entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_entry_id'], ['ledger_entries.id'], name=op.f('fk_remittance_items_ledger_entry_id_ledger_entries')),
    sa.ForeignKeyConstraint(['statement_id'], ['remittance_statements.id'], name=op.f('fk_remittance_items_statement_id_remittance_statements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance_items')),
    sa.UniqueConstraint('ledger_entry_id', name=op.f('uq_remittance_items_ledger_entry_id'))
    )
    op.create_index(op.f('ix_remittance_items_statement_id'), 'remittance_items', ['statement_id'], unique=False)
    with op.batch_alter_table('debt_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_debt_lines_basis_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_debt_lines_basis_kind'), "basis IN ('invoice', 'contract', 'other')"
        )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_creditor_id_id', ['creditor_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_creditor_id_id')
    with op.batch_alter_table('debt_lines', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_debt_lines_basis_kind'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_debt_lines_basis_kind'), "basis IN ('invoice', 'contract')"
        )
    op.drop_index(op.f('ix_remittance_items_statement_id'), table_name='remittance_items')
    op.drop_table('remittance_items')
    op.drop_index(op.f('ix_remittance_statements_creditor_id'), table_name='remittance_statements')
    op.drop_table('remittance_statements')
    op.drop_table('creditor_digests')
    op.drop_index('ix_webhook_deliveries_status_next_attempt_at', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_index(op.f('ix_webhook_endpoints_creditor_id'), table_name='webhook_endpoints')
    op.drop_table('webhook_endpoints')
    op.drop_table('api_rate_windows')
    op.drop_table('api_idempotent_requests')
    op.drop_index(op.f('ix_api_tokens_creditor_id'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_index(op.f('ix_placement_imports_creditor_id'), table_name='placement_imports')
    op.drop_table('placement_imports')
