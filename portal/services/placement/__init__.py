"""Placement: creditors' cases loaded from a CSV file or an API request, all or nothing.

Owns the column set (`columns`), the pure row checks (`rows`), reading a CSV as a stream
(`csvfile`), the checking and loading passes (`check`, `load`: COPY on PostgreSQL), the record
of each placement (`PlacementImport`) and the translated error report (`messages`).

Views and commands call:
- `imports.import_csv(open_file, creditor_id, …)` -> `Outcome` (CLI, creditor upload page);
- `imports.place_cases(cases, creditor_id, …)` -> `Outcome` (API);
- `messages.message(code, params)`, `messages.error_report(errors)`, `messages.csv_lines`.

Imported cases are open with no reminder state yet, so the next `send-reminders` run starts
them on their creditor's sequence at its first step.
"""
