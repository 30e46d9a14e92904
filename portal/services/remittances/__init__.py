"""Remittance statements: per creditor and period, the money collected on its behalf (payments),
refunds and chargebacks, the agency's commission (`Creditor.commission_rate_bp`) and the net
amount due to the creditor.

A statement counts every payment or refund ledger entry of the creditor's cases recorded up to
the end of its period and not counted on an earlier statement (`RemittanceItem`, unique per
entry): a correction recorded later goes on the next statement, and an issued statement never
changes (ORM guard). Commission: net collected x rate / 10,000, rounded half up to the cent.

Commands and views call `issue.issue_statement(creditor_id, period_end)`,
`issue.statements_of(creditor_id)`, `issue.get_statement(id, creditor_id)`,
`documents.statement_pdf(statement)`, `documents.statement_csv(statement)`.
"""
