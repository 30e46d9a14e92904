"""The escalation file: everything a court needs for an order for payment (injonction de
payer) in one PDF, for a case the amicable stage did not settle.

Views call `file.escalation_pdf` (raises `file.EscalationRefused` for a disputed, closed or
possibly time-barred case, or one owing nothing).
"""
