"""Translated labels of enum values and audit actions: one table per kind, every table a
template global (`TABLES`), translated at render time."""

from flask_babel import lazy_gettext

DISPUTE_REASON_LABELS = {
    "already_paid": lazy_gettext("I have already paid"),
    "not_my_debt": lazy_gettext("This is not my debt"),
    "wrong_amount": lazy_gettext("The amount is wrong"),
    "other": lazy_gettext("Another reason"),
}
DISPUTE_STATUS_LABELS = {
    "open": lazy_gettext("Being reviewed"),
    "upheld": lazy_gettext("Upheld"),
    "rejected": lazy_gettext("Rejected"),
}
CLOSE_REASON_LABELS = {
    "paid": lazy_gettext("Paid"),
    "settled": lazy_gettext("Settled"),
    "written_off": lazy_gettext("Written off"),
    "cancelled": lazy_gettext("Cancelled"),
}
MANUAL_METHOD_LABELS = {
    "transfer": lazy_gettext("Bank transfer"),
    "cheque": lazy_gettext("Cheque"),
    "cash": lazy_gettext("Cash"),
}

CALLBACK_STATUS_LABELS = {
    "open": lazy_gettext("to call"),
    "done": lazy_gettext("called"),
    "cancelled": lazy_gettext("cancelled"),
}
QUEUE_TAB_LABELS = {
    "proposals": lazy_gettext("Proposals to decide"),
    "disputes": lazy_gettext("Disputes"),
    "callbacks": lazy_gettext("Call-back requests"),
    "plans": lazy_gettext("Plans at risk or broken"),
    "charges": lazy_gettext("Failed charges"),
    "flagged": lazy_gettext("Flagged cases"),
}
QUEUE_FLAG_LABELS = {
    "time_barred": lazy_gettext("Possibly time-barred, not reviewed"),
    "excess": lazy_gettext("Excess payment to return"),
    "bounced": lazy_gettext("E-mail bounced"),
}
QUEUE_BAND_LABELS = {
    "under_100": lazy_gettext("Under 100 €"),
    "100_500": lazy_gettext("100 to 500 €"),
    "500_2000": lazy_gettext("500 to 2,000 €"),
    "over_2000": lazy_gettext("Over 2,000 €"),
}
QUEUE_SORT_LABELS = {
    "oldest": lazy_gettext("Oldest first"),
    "newest": lazy_gettext("Newest first"),
    "balance_high": lazy_gettext("Largest balance first"),
    "balance_low": lazy_gettext("Smallest balance first"),
}
TIMELINE_KIND_LABELS = {
    "ledger": lazy_gettext("Ledger"),
    "messages": lazy_gettext("Messages and letters"),
    "plans": lazy_gettext("Proposals and decisions"),
    "payments": lazy_gettext("Payments"),
    "disputes": lazy_gettext("Disputes"),
    "callbacks": lazy_gettext("Call-backs"),
    "notes": lazy_gettext("Notes"),
    "audit": lazy_gettext("Audit events"),
}

STATUS_LABELS = {
    "open": lazy_gettext("Open"),
    "in_plan": lazy_gettext("In a payment plan"),
    "disputed": lazy_gettext("Disputed"),
    "escalated": lazy_gettext("Escalated"),
    "paid": lazy_gettext("Paid"),
    "settled": lazy_gettext("Settled"),
    "closed": lazy_gettext("Closed"),
}
ENTRY_LABELS = {
    "principal": lazy_gettext("Principal"),
    "interest": lazy_gettext("Interest"),
    "fee": lazy_gettext("Charges"),
    "payment": lazy_gettext("Payment"),
    "refund": lazy_gettext("Refund"),
    "adjustment": lazy_gettext("Adjustment"),
    "write_off": lazy_gettext("Write-off"),
}
ROLE_LABELS = {
    "collector": lazy_gettext("Collector"),
    "creditor": lazy_gettext("Creditor"),
    "admin": lazy_gettext("Administrator"),
}
ACTION_LABELS = {
    "debtor.login": lazy_gettext("The debtor logged in"),
    "case.placed": lazy_gettext("Case placed by the creditor"),
    "ledger.entry_added": lazy_gettext("Ledger entry added"),
    "case.links_revoked": lazy_gettext("E-mail links revoked"),
    "case.link_resent": lazy_gettext("Link e-mail sent again"),
    "case.letter_resent": lazy_gettext("Last letter sent again"),
    "case.formal_notice": lazy_gettext("Formal notice sent"),
    "case.escalated": lazy_gettext("Case escalated"),
    "message.recorded": lazy_gettext("Message recorded"),
    "letter.produced": lazy_gettext("Letter produced"),
    "reminders.paused": lazy_gettext("Reminders paused"),
    "reminders.resumed": lazy_gettext("Reminders resumed"),
    "reminders.time_bar_flagged": lazy_gettext("Reminders held: possibly time-barred"),
    "reminders.time_bar_cleared": lazy_gettext("Time-bar review done"),
    "plan.proposed": lazy_gettext("The debtor proposed a payment plan"),
    "plan.approved_by_policy": lazy_gettext("Payment plan approved by the creditor's policy"),
    "plan.approved": lazy_gettext("Payment plan approved by a collector"),
    "plan.rejected": lazy_gettext("Payment plan rejected"),
    "plan.countered": lazy_gettext("Counter-offer sent to the debtor"),
    "plan.counter_accepted": lazy_gettext("The debtor accepted the counter-offer"),
    "plan.counter_declined": lazy_gettext("The debtor declined the counter-offer"),
    "plan.withdrawn": lazy_gettext("The debtor withdrew the proposal"),
    "plan.started": lazy_gettext("Payment plan started"),
    "plan.instalment_paid": lazy_gettext("Instalment paid"),
    "plan.at_risk": lazy_gettext("Payment plan at risk: an instalment is missing"),
    "plan.back_on_track": lazy_gettext("Payment plan back on track"),
    "plan.broken": lazy_gettext("Payment plan broken"),
    "plan.completed": lazy_gettext("Payment plan completed"),
    "plan.policy_changed": lazy_gettext("Plan policy changed"),
    "payment.started": lazy_gettext("The debtor started an online payment"),
    "payment.provider_error": lazy_gettext("Online payment failed: the provider did not answer"),
    "payment.processing": lazy_gettext("Online payment being processed (SEPA)"),
    "payment.succeeded": lazy_gettext("Online payment received"),
    "payment.failed": lazy_gettext("Online payment failed"),
    "payment.attempt_failed": lazy_gettext("A card was declined on the payment page"),
    "payment.refunded": lazy_gettext("Online payment fully refunded"),
    "payment.refund": lazy_gettext("Refund of an online payment"),
    "payment.chargeback": lazy_gettext("Chargeback of an online payment"),
    "payment.chargeback_won": lazy_gettext("Chargeback reversed in our favour"),
    "payment.excess_credit": lazy_gettext("Payment above the balance: credit to review"),
    "payment.amount_differs": lazy_gettext("Amount received differs from the amount asked"),
    "payment.method_setup_started": lazy_gettext("The debtor started saving a payment method"),
    "payment.method_saved": lazy_gettext("Payment method saved for the instalments"),
    "case.paid": lazy_gettext("Case paid in full"),
    "dispute.opened": lazy_gettext("The debtor disputed the debt"),
    "dispute.added": lazy_gettext("The debtor added to the dispute"),
    "dispute.rejected": lazy_gettext("Dispute rejected"),
    "dispute.upheld": lazy_gettext("Dispute upheld"),
    "payment.recorded_manually": lazy_gettext("Payment received outside the portal recorded"),
    "case.note_added": lazy_gettext("Note added"),
    "case.written_off": lazy_gettext("Amount written off"),
    "case.line_adjusted": lazy_gettext("Debt line adjusted"),
    "case.closed": lazy_gettext("Case closed"),
    "case.contact_changed": lazy_gettext("Debtor's contact details changed"),
    "case.assigned": lazy_gettext("Case assigned"),
    "case.escalation_file": lazy_gettext("Order for payment file produced"),
    "callback.requested": lazy_gettext("The debtor asked to be called back"),
    "callback.done": lazy_gettext("Call-back done"),
    "debtor.contact_preference": lazy_gettext("The debtor chose how to be contacted"),
    "plan.cancelled": lazy_gettext("Payment plan cancelled"),
    "settlement.offered": lazy_gettext("Settlement offered"),
    "settlement.withdrawn": lazy_gettext("Settlement offer withdrawn"),
    "settlement.expired": lazy_gettext("Settlement offer expired"),
    "settlement.payment_not_settling": lazy_gettext(
        "Payment of a settlement offer that does not settle: to review"
    ),
    "case.settled": lazy_gettext("Case settled: the offer was paid, the rest written off"),
}
MESSAGE_STATUS_LABELS = {
    "pending": lazy_gettext("Waiting to be sent"),
    "sent": lazy_gettext("Sent"),
    "recorded": lazy_gettext("Recorded (not sent: no mail server)"),
    "failed": lazy_gettext("Failed"),
}
ACTOR_LABELS = {
    "debtor": lazy_gettext("debtor"),
    "staff": lazy_gettext("staff"),
    "system": lazy_gettext("system"),
    "stripe": lazy_gettext("Stripe"),
}
BASIS_LABELS = {
    "invoice": lazy_gettext("Invoice"),
    "contract": lazy_gettext("Contract"),
    "other": lazy_gettext("Other debt"),
}
PROPOSAL_STATUS_LABELS = {
    "pending": lazy_gettext("Waiting for a decision"),
    "approved": lazy_gettext("Approved"),
    "rejected": lazy_gettext("Not accepted"),
    "countered": lazy_gettext("Counter-offer made"),
    "accepted": lazy_gettext("Accepted"),
    "declined": lazy_gettext("Declined"),
    "withdrawn": lazy_gettext("Withdrawn"),
}
PLAN_STATUS_LABELS = {
    "active": lazy_gettext("Active"),
    "at_risk": lazy_gettext("At risk: a payment is missing"),
    "completed": lazy_gettext("Completed"),
    "broken": lazy_gettext("Ended: payments missed"),
    "cancelled": lazy_gettext("Cancelled"),
}
INSTALMENT_STATUS_LABELS = {
    "due": lazy_gettext("To pay"),
    "paid": lazy_gettext("Paid"),
    "overdue": lazy_gettext("Overdue"),
}
FREQUENCY_LABELS = {
    "monthly": lazy_gettext("Every month"),
    "biweekly": lazy_gettext("Every two weeks"),
    "weekly": lazy_gettext("Every week"),
}
PLAN_REASON_LABELS = {
    "instalment_too_low": lazy_gettext("The instalments are too small"),
    "plan_too_long": lazy_gettext("The plan lasts too long"),
    "first_payment_too_late": lazy_gettext("The first payment comes too late"),
    "budget_not_credible": lazy_gettext("The plan does not match the budget given"),
    "creditor_refuses": lazy_gettext("The creditor does not accept a plan on this debt"),
    "other": lazy_gettext("Another reason (see the message)"),
}
POLICY_RULE_LABELS = {
    "max_count": lazy_gettext("Number of instalments"),
    "min_instalment": lazy_gettext("Amount of each instalment"),
    "max_duration": lazy_gettext("Length of the plan"),
    "min_first_payment": lazy_gettext("First payment"),
    "first_due": lazy_gettext("Date of the first payment"),
    "frequency": lazy_gettext("How often you pay"),
}

PAYMENT_STATUS_LABELS = {
    "pending": lazy_gettext("Started, not confirmed"),
    "processing": lazy_gettext("Being processed"),
    "succeeded": lazy_gettext("Received"),
    "failed": lazy_gettext("Failed"),
    "refunded": lazy_gettext("Refunded"),
}
PAYMENT_METHOD_LABELS = {
    "card": lazy_gettext("card"),
    "sepa_debit": lazy_gettext("SEPA Direct Debit"),
}
PAYMENT_FAILURE_LABELS = {
    "provider_unavailable": lazy_gettext("The payment provider timed out or failed"),
    "expired": lazy_gettext("Checkout page left unpaid"),
    "card_declined": lazy_gettext("Card declined"),
    "authentication_required": lazy_gettext("The bank asked for authentication"),
    "insufficient_funds": lazy_gettext("Debit refused by the bank"),
}

STEP_CHANNEL_LABELS = {
    "email": lazy_gettext("E-mail"),
    "letter": lazy_gettext("Letter"),
    "email+letter": lazy_gettext("E-mail and letter"),
}
STEP_TEMPLATE_LABELS = {
    "first_notice": lazy_gettext("First notice"),
    "reminder": lazy_gettext("Reminder"),
    "formal_notice": lazy_gettext("Formal notice"),
}
TONE_LABELS = {
    "courteous": lazy_gettext("Courteous"),
    "firm": lazy_gettext("Firm"),
    "formal": lazy_gettext("Formal"),
}

# Every table, as template globals.
TABLES = {
    "DISPUTE_REASON_LABELS": DISPUTE_REASON_LABELS,
    "DISPUTE_STATUS_LABELS": DISPUTE_STATUS_LABELS,
    "CLOSE_REASON_LABELS": CLOSE_REASON_LABELS,
    "MANUAL_METHOD_LABELS": MANUAL_METHOD_LABELS,
    "CALLBACK_STATUS_LABELS": CALLBACK_STATUS_LABELS,
    "QUEUE_TAB_LABELS": QUEUE_TAB_LABELS,
    "QUEUE_FLAG_LABELS": QUEUE_FLAG_LABELS,
    "QUEUE_BAND_LABELS": QUEUE_BAND_LABELS,
    "QUEUE_SORT_LABELS": QUEUE_SORT_LABELS,
    "TIMELINE_KIND_LABELS": TIMELINE_KIND_LABELS,
    "STATUS_LABELS": STATUS_LABELS,
    "ENTRY_LABELS": ENTRY_LABELS,
    "ROLE_LABELS": ROLE_LABELS,
    "ACTION_LABELS": ACTION_LABELS,
    "MESSAGE_STATUS_LABELS": MESSAGE_STATUS_LABELS,
    "ACTOR_LABELS": ACTOR_LABELS,
    "BASIS_LABELS": BASIS_LABELS,
    "PROPOSAL_STATUS_LABELS": PROPOSAL_STATUS_LABELS,
    "PLAN_STATUS_LABELS": PLAN_STATUS_LABELS,
    "INSTALMENT_STATUS_LABELS": INSTALMENT_STATUS_LABELS,
    "FREQUENCY_LABELS": FREQUENCY_LABELS,
    "PLAN_REASON_LABELS": PLAN_REASON_LABELS,
    "POLICY_RULE_LABELS": POLICY_RULE_LABELS,
    "PAYMENT_STATUS_LABELS": PAYMENT_STATUS_LABELS,
    "PAYMENT_METHOD_LABELS": PAYMENT_METHOD_LABELS,
    "PAYMENT_FAILURE_LABELS": PAYMENT_FAILURE_LABELS,
    "STEP_CHANNEL_LABELS": STEP_CHANNEL_LABELS,
    "STEP_TEMPLATE_LABELS": STEP_TEMPLATE_LABELS,
    "TONE_LABELS": TONE_LABELS,
}
