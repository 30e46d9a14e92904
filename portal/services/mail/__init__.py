"""E-mails: rendered in the recipient's language, recorded once, delivered by SMTP.

- `outbox`: what features call: `queue_email` (record once by key), `deliver`,
  `case_messages`, `language_of`.
- `render`: one Jinja environment per language, for many messages at once.
- `fragments`: `{% cached %}` blocks rendered once per run.
- `delivery`: sending recorded e-mails in batches from several processes (`deliver_pending`).
- `senders`, `smtp`, `mime`: a sender thread, pipelined SMTP, the message bytes.
- `attachments`: documents (receipts) rendered when the e-mail is sent.
- `read`: recorded e-mails read back: a case's (`case_emails`, `case_email`) for the debtor's
  Documents page, every one (`every_email`) for the demo outbox; `email_page_csp`.
"""
