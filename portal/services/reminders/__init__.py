"""Reminders: which step is due, fair contact, e-mails and letters, recorded once.

- `run`: the reminder job (`run`, `count_due`, `not_due_counts`); `due` selects the cases,
  `rows` keeps a run's report, `workers` forks processes (`run_in_processes`).
- `controls`: what people change: sequences (`sequence_of`, `set_sequence`), `pause`,
  the time-bar review, e-mail opt-outs (`opt_out`, `opted_out`, unsubscribe tokens).
- `letters`: first and formal notices as PDF (`case_letters`, `letter_pdf`).
- `instalments`: the e-mail before each instalment of a live plan.
"""
