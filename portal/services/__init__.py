"""Use cases: plain arguments in, one transaction, an audit row. One package per capability.

| package | owns |
|---|---|
| `access/` | logging in (debtors by reference and factor or link, staff by password), staff users |
| `cases/` | reading cases (overview, staff lists, the debtor's page), the ledger, amounts |
| `mail/` | e-mails: render, record once, deliver by SMTP, attachments |
| `payments/` | online payments, provider events, saved methods and charges, receipts |
| `plans/` | proposals, decisions (policy or collector), the live plan, the daily plan job |
| `reminders/` | the reminder job, sequences and pauses, letters, instalment reminders |

Shared helpers every package may use: `audit` (audit rows), `sql_bulk` (statements over many
rows), and `demo` (demo data). Services import models, domain and the provider boundary
(`portal.gateway`); never a blueprint.
"""
