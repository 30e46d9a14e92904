"""Money coming in through the provider, and what follows from it.

- `checkout`: what a debtor may pay (`options`), `start_checkout`, reading payments
  (`payment_of_case`, `case_payments`), `gateway()` (the configured provider).
- `methods`: saved cards and SEPA mandates (`start_setup`, `saved_method`, `save_method`).
- `charges`: `charge_due`, the daily off-session charge of due instalments.
- `inbox` → `events` → `handlers` / `reversals`: a webhook's event recorded once
  (`handle_event`), applied in batches (`drain`, `batch`), refunds and chargebacks;
  `reconcile` fetches what the webhook missed.
- `receipts`: receipts numbered per year with no gap when money is received (`issue`, then
  `number_and_queue` in the same transaction; `receipt_for`, `pdf`).
- `manual`: a payment received outside the portal, recorded by a collector (`record`).

Imports point one way: charges → handlers → methods → checkout.
"""
