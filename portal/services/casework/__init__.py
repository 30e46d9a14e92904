"""The collector's work on a case: each action takes the case (row locked, version checked:
`cases.locking`), checks the action table (`portal.domain.casework`), writes its rows and an
audit event, and commits; a refused action changes nothing.

- `actions`: `add_note`, `write_off`, `adjust_line`, `close_case`, `edit_contact`,
  `revoke_links`, `assign_to`, `pause_reminders`.
- `money`: ledger changes never beyond what is owed (`reduce_line`, `write_off`, `balance_of`).
- `closing`: `close` (paid, settled, written off, cancelled) with the live plan.
- `queue`: the collector's queue, its tabs and counts (`queue`, `counts`).
- `timeline`: one timeline of everything that happened to a case (`timeline`).

Payments received outside the portal are `payments.manual.record`; disputes are decided by
`disputes.decide`.
"""
