"""Use cases: plain arguments in, one transaction, an audit row. One package per capability.

| package | owns |
|---|---|
| `access/` | logins (rate limited), sessions, second factor, passwords, staff users |
| `admin/` | staff users, creditors, agency identity, the audit log (admin role) |
| `api_access/` | creditors' API tokens, idempotent requests, per-token rate limit |
| `callbacks/` | call-back requests, how a debtor prefers to be contacted |
| `cases/` | reading cases (overview, staff lists, the debtor's page), the ledger, amounts |
| `casework/` | the collector's actions, sending again, the queue and its flags, the timeline |
| `digests/` | creditor users' daily digest |
| `disputes/` | disputes, their messages and proof files, a collector's decision |
| `escalation/` | formal notice, escalating, the order-for-payment (injonction) file |
| `mail/` | e-mails: render, record once, deliver by SMTP, attachments |
| `outgoing_webhooks/` | creditors' signed webhooks, retried with backoff |
| `payments/` | online payments, provider events, saved methods and charges, receipts |
| `placement/` | cases placed by CSV or API, all or nothing |
| `plans/` | proposals, decisions (policy or collector), the live plan, the daily plan job |
| `reminders/` | the reminder job, sequences and pauses, letters, instalment reminders |
| `remittances/` | remittance statements: collected, refunded, commission, net due |
| `reporting/` | creditor dashboard, case list, CSV exports |

Shared helpers every package may use: `audit` (audit rows), `sql_bulk` (statements over many
rows), and `demo` (demo data). Services import models, domain and the provider boundary
(`portal.gateway`); never a blueprint.
"""
