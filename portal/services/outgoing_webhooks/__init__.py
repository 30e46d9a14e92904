"""Outgoing webhooks: a creditor's HTTPS endpoints receive its cases' events, signed.

Events come from the audit trail (so no other service needs to know about webhooks): each run
of the job turns the audit events after an endpoint's cursor into deliveries (unique per
endpoint and event), then posts the due ones, signed with HMAC-SHA256 over
`<timestamp>.<body>` (`signing`), retried with backoff, each attempt's response code kept.

Commands call `endpoints.add_endpoint(creditor_id, url)` -> (endpoint, secret) and
`job.run(now)` -> `Report`; receivers verify with `signing.verify`.
"""
