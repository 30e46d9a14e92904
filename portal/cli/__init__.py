"""The command line: `flask portal …` (one module per command group) and `flask translate …`.

| module | commands |
|---|---|
| `demo` | `demo` |
| `staff` | `create-staff` |
| `payments` | `charge-due`, `reconcile`, `stripe-double` |
| `placement` | `import-cases` |
| `api_tokens` | `api-token create`, `list`, `revoke` |
| `outgoing_webhooks` | `webhook-add`, `send-webhooks` |
| `digests` | `send-digests` |
| `remittances` | `issue-remittance` |
| `plans` | `plans-tick`, `policy` |
| `reminders` | `send-reminders`, `reminder-sequence` |
| `translate` | `flask translate extract`, `update`, `compile`, `init` |

Each command is a thin shell over a service function: it parses options, calls the service,
prints what happened.
"""

from flask import Flask
from flask.cli import AppGroup

from portal.cli import (
    api_tokens,
    demo,
    digests,
    outgoing_webhooks,
    payments,
    placement,
    plans,
    reminders,
    remittances,
    staff,
    translate,
)

portal_cli = AppGroup("portal", help="Amiable operations: demo data, staff users, jobs.")
for command in (
    demo.demo,
    staff.create_staff,
    reminders.send_reminders,
    reminders.reminder_sequence,
    payments.charge_due,
    payments.reconcile,
    payments.stripe_double,
    plans.plans_tick,
    plans.policy,
    placement.import_cases,
    api_tokens.api_token,
    outgoing_webhooks.webhook_add,
    outgoing_webhooks.send_webhooks,
    digests.send_digests,
    remittances.issue_remittance,
):
    portal_cli.add_command(command)


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    app.cli.add_command(portal_cli)
    app.cli.add_command(translate.translate_cli)
