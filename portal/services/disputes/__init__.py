"""Disputes: a debtor contests a case with a reason, messages and proof files; a collector
upholds or rejects it. While a dispute is open the case is `disputed`: no reminder, no
instalment charge, and its plan's days do not run.

- `debtor`: what the debtor's pages call: `open_dispute`, `add_to_dispute`, `latest`,
  `debtor_file` (a proof file of their own case, else None).
- `decide`: what the collector's case page calls: `reject`, `uphold`, `staff_file`,
  `open_disputes` (for the queue).
- `storage`: where the files' bytes live (`store()`: a folder outside static/).
"""
