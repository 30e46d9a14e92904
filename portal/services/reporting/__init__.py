"""Reporting for creditor users: dashboard figures, the case list, CSV exports.

Everything is computed by the database (aggregates over the creditor's rows, keyset pages),
never by loading cases into Python. Every function takes the creditor's id and reads only its
rows.

Views call:
- `dashboard.dashboard(creditor_id, today)` -> `Dashboard` (a fixed 4 queries);
- `case_list.list_cases(creditor_id, Filters, after)` -> `CasePage`;
  `case_list.parse_filters(args)` reads a query string into `Filters`;
- `exports.cases_csv(creditor_id, Filters)`, `exports.payments_csv(creditor_id, start, end)`:
  generators of CSV text, read in keyset batches, cells escaped against formulas.
"""
