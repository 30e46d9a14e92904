"""Escalation: the formal notice on demand and the move to escalation (`notice`), and the
file for an order for payment (injonction de payer): everything a court needs in one PDF, for
a case the amicable stage did not settle (`file`).

Views call `notice.send_formal_notice`, `notice.escalate` and `file.escalation_pdf`; each
raises `file.EscalationRefused` for a disputed, closed or possibly time-barred case, or one
owing nothing (escalating also for no formal notice, or one whose time to pay still runs).
"""
