"""Translated labels of disputes, collector actions and their audit events (for templates)."""

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
CASEWORK_ACTION_LABELS = {
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


def labels() -> dict:
    """Every label dict, for a context processor."""
    return {
        "DISPUTE_REASON_LABELS": DISPUTE_REASON_LABELS,
        "DISPUTE_STATUS_LABELS": DISPUTE_STATUS_LABELS,
        "CLOSE_REASON_LABELS": CLOSE_REASON_LABELS,
        "MANUAL_METHOD_LABELS": MANUAL_METHOD_LABELS,
        "CASEWORK_ACTION_LABELS": CASEWORK_ACTION_LABELS,
        "QUEUE_TAB_LABELS": QUEUE_TAB_LABELS,
        "CALLBACK_STATUS_LABELS": CALLBACK_STATUS_LABELS,
        "TIMELINE_KIND_LABELS": TIMELINE_KIND_LABELS,
    }
