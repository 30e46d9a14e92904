"""Cases as people read them, and the ledger they are made of.

- `overview`: `overview`, `ledger`, `timeline`, `load_case`, `load_case_by_reference`,
  `search_cases`, `portfolio_totals` (staff lists with balances computed in SQL).
- `page`: everything the debtor's case page shows (`load_case_page`).
- `amounts`: a case's amounts itemised as CPCE R124-4 asks (`amounts_for`).
- `ledger`: writing ledger entries under the domain's rules (`add_entry`).
- `locking`: a case taken for a collector's action, row locked and version checked (`lock_case`).
"""
