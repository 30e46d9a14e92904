"""Cases carry their totals and creditors their money collected per month (kept by
triggers), ledger entries and plans their creditor, and the dashboard's covering indexes

Revision ID: 4b8d2f6a1c3e
Revises: b8e4d2f6a1c3
Create Date: 2026-12-06 02:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4b8d2f6a1c3e'
down_revision = 'b8e4d2f6a1c3'
branch_labels = None
depends_on = None

FK = 'fk_ledger_entries_creditor_id_creditors'
MONEY_IN = "kind IN ('payment', 'refund')"
CHARGES = "kind IN ('principal', 'interest', 'fee')"

# PostgreSQL: one trigger per statement (an INSERT or a COPY of thousands of rows), each case
# updated once with the sum of its new rows.
PG_FUNCTIONS = f"""
CREATE FUNCTION case_totals_add_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases AS c
    SET charged = c.charged + n.charged,
        collected = c.collected + n.collected,
        balance = c.balance + n.balance
    FROM (
        SELECT case_id,
               sum(CASE WHEN {CHARGES} THEN amount ELSE 0 END) AS charged,
               sum(CASE WHEN {MONEY_IN} THEN -amount ELSE 0 END) AS collected,
               sum(amount) AS balance
        FROM new_entries GROUP BY case_id
    ) AS n
    WHERE c.id = n.case_id;
    INSERT INTO creditor_months AS m (creditor_id, month, collected)
        SELECT creditor_id, date_trunc('month', occurred_on)::date, sum(-amount)
        FROM new_entries WHERE {MONEY_IN} GROUP BY 1, 2
    ON CONFLICT (creditor_id, month) DO UPDATE SET collected = m.collected + excluded.collected;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_entries_case_totals AFTER INSERT ON ledger_entries
    REFERENCING NEW TABLE AS new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION case_totals_add_entries();

CREATE FUNCTION case_totals_add_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases AS c
    SET oldest_due_on = least(c.oldest_due_on, n.oldest)
    FROM (SELECT case_id, min(due_on) AS oldest FROM new_lines GROUP BY case_id) AS n
    WHERE c.id = n.case_id AND (c.oldest_due_on IS NULL OR n.oldest < c.oldest_due_on);
    RETURN NULL;
END $$;
CREATE TRIGGER debt_lines_case_oldest_due AFTER INSERT ON debt_lines
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION case_totals_add_lines();

-- A line's due date changed (rare): its case's oldest date read again.
CREATE FUNCTION case_totals_line_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET oldest_due_on = (
        SELECT min(due_on) FROM debt_lines WHERE case_id = cases.id)
    WHERE id IN (OLD.case_id, NEW.case_id);
    RETURN NULL;
END $$;
CREATE TRIGGER debt_lines_case_oldest_due_changed AFTER UPDATE OF due_on, case_id
    ON debt_lines FOR EACH ROW EXECUTE FUNCTION case_totals_line_changed();
"""

SQLITE_TRIGGERS = [
    f"""
CREATE TRIGGER ledger_entries_case_totals AFTER INSERT ON ledger_entries FOR EACH ROW
BEGIN
    UPDATE cases
    SET charged = charged + CASE WHEN NEW.{CHARGES} THEN NEW.amount ELSE 0 END,
        collected = collected + CASE WHEN NEW.{MONEY_IN} THEN -NEW.amount ELSE 0 END,
        balance = balance + NEW.amount
    WHERE id = NEW.case_id;
END
""",
    f"""
CREATE TRIGGER ledger_entries_creditor_months AFTER INSERT ON ledger_entries FOR EACH ROW
WHEN NEW.{MONEY_IN}
BEGIN
    INSERT OR IGNORE INTO creditor_months (creditor_id, month, collected)
    VALUES (NEW.creditor_id, strftime('%Y-%m-01', NEW.occurred_on), 0);
    UPDATE creditor_months SET collected = collected - NEW.amount
    WHERE creditor_id = NEW.creditor_id AND month = strftime('%Y-%m-01', NEW.occurred_on);
END
""",
    """
CREATE TRIGGER debt_lines_case_oldest_due AFTER INSERT ON debt_lines FOR EACH ROW
BEGIN
    UPDATE cases SET oldest_due_on = NEW.due_on
    WHERE id = NEW.case_id AND (oldest_due_on IS NULL OR NEW.due_on < oldest_due_on);
END
""",
    """
CREATE TRIGGER debt_lines_case_oldest_due_updated AFTER UPDATE OF due_on, case_id ON debt_lines
FOR EACH ROW
BEGIN
    UPDATE cases SET oldest_due_on = (
        SELECT min(due_on) FROM debt_lines WHERE case_id = cases.id)
    WHERE id IN (OLD.case_id, NEW.case_id);
END
""",
]

BACKFILL = [
    f"""
UPDATE cases SET
    charged = COALESCE((SELECT sum(amount) FROM ledger_entries AS e
                        WHERE e.case_id = cases.id AND e.{CHARGES}), 0),
    collected = COALESCE((SELECT -sum(amount) FROM ledger_entries AS e
                          WHERE e.case_id = cases.id AND e.{MONEY_IN}), 0),
    balance = COALESCE((SELECT sum(amount) FROM ledger_entries AS e
                        WHERE e.case_id = cases.id), 0),
    oldest_due_on = (SELECT min(due_on) FROM debt_lines AS d WHERE d.case_id = cases.id)
""",
    """
UPDATE ledger_entries SET creditor_id = (
    SELECT creditor_id FROM cases WHERE cases.id = ledger_entries.case_id)
""",
    """
UPDATE plans SET creditor_id = (SELECT creditor_id FROM cases WHERE cases.id = plans.case_id)
""",
]
MONTHS_BACKFILL = {
    'postgresql': "date_trunc('month', occurred_on)::date",
    'sqlite': "strftime('%Y-%m-01', occurred_on)",
}


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('charged', sa.BigInteger(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('collected', sa.BigInteger(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('balance', sa.BigInteger(), server_default='0', nullable=False)
        )
        batch_op.add_column(sa.Column('oldest_due_on', sa.Date(), nullable=True))
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('creditor_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('creditor_id', sa.Integer(), nullable=True))
    op.create_table(
        'creditor_months',
        sa.Column('creditor_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('collected', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ['creditor_id'], ['creditors.id'], name=op.f('fk_creditor_months_creditor_id_creditors')
        ),
        sa.PrimaryKeyConstraint('creditor_id', 'month', name=op.f('pk_creditor_months')),
    )

    # The existing rows, then the new ones by trigger (nothing writes during a migration).
    postgres = op.get_bind().dialect.name == 'postgresql'
    if postgres:  # the one sanctioned change to existing entries: a new column filled
        op.execute('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only')
    for statement in BACKFILL:
        op.execute(statement)
    month = MONTHS_BACKFILL['postgresql' if postgres else 'sqlite']
    op.execute(
        f"INSERT INTO creditor_months (creditor_id, month, collected)"
        f" SELECT creditor_id, {month}, -sum(amount) FROM ledger_entries"
        f" WHERE {MONEY_IN} GROUP BY 1, 2"
    )
    if postgres:
        op.execute('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only')

    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('creditor_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            FK, 'creditors', ['creditor_id'], ['id']
        )
        batch_op.create_index(
            'ix_ledger_entries_creditor_id_money_in',
            ['creditor_id', 'occurred_on'],
            unique=False,
            postgresql_include=['amount'],
            postgresql_where=sa.text(MONEY_IN),
            sqlite_where=sa.text(MONEY_IN),
        )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.alter_column('creditor_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            'fk_plans_creditor_id_creditors', 'creditors', ['creditor_id'], ['id']
        )
        batch_op.create_index(
            'ix_plans_creditor_id_status', ['creditor_id', 'status'], unique=False
        )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(
            'ix_cases_creditor_id_status_totals',
            ['creditor_id', 'status'],
            unique=False,
            postgresql_include=['charged', 'collected', 'balance', 'oldest_due_on'],
        )

    if postgres:
        op.execute(PG_FUNCTIONS)
        # Every payment now rewrites its case's row: vacuumed sooner (2 % of the rows changed
        # instead of 20 %), the visibility map stays set and the dashboard's scan index-only.
        op.execute(
            'ALTER TABLE cases SET (autovacuum_vacuum_scale_factor = 0.02,'
            ' autovacuum_analyze_scale_factor = 0.02)'
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            'ALTER TABLE cases RESET (autovacuum_vacuum_scale_factor,'
            ' autovacuum_analyze_scale_factor)'
        )
        op.execute('DROP TRIGGER debt_lines_case_oldest_due_changed ON debt_lines')
        op.execute('DROP TRIGGER debt_lines_case_oldest_due ON debt_lines')
        op.execute('DROP FUNCTION case_totals_line_changed()')
        op.execute('DROP TRIGGER ledger_entries_case_totals ON ledger_entries')
        op.execute('DROP FUNCTION case_totals_add_lines()')
        op.execute('DROP FUNCTION case_totals_add_entries()')
    else:
        op.execute('DROP TRIGGER debt_lines_case_oldest_due_updated')
        op.execute('DROP TRIGGER debt_lines_case_oldest_due')
        op.execute('DROP TRIGGER ledger_entries_creditor_months')
        op.execute('DROP TRIGGER ledger_entries_case_totals')
    op.drop_table('creditor_months')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index('ix_plans_creditor_id_status')
        batch_op.drop_constraint('fk_plans_creditor_id_creditors', type_='foreignkey')
        batch_op.drop_column('creditor_id')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_creditor_id_status_totals')
        batch_op.drop_column('oldest_due_on')
        batch_op.drop_column('balance')
        batch_op.drop_column('collected')
        batch_op.drop_column('charged')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_entries_creditor_id_money_in')
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('creditor_id')
