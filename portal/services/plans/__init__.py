"""Instalment plans, from a debtor's proposal to the last instalment.

- `decide`: `preview`, `propose` (decided at once by the creditor's policy or sent to a
  collector), `withdraw`, `answer_counter`.
- `review`: a collector's `queue`, `approve`, `reject`, `counter`.
- `current`: the live plan as other features see it (`summary`, the next instalment).
- `life`: `tick`, the daily job (overdue, at risk, broken).
- `policy`: a creditor's plan policy (`policy_for`, `save_policy`).
- `pdf`: the schedule as a PDF (`schedule_pdf`).
"""
