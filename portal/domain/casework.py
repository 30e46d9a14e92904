"""Which collector action a case allows in each of its states (the action table)."""

from enum import StrEnum

from portal.domain.states import CaseStatus


class CaseAction(StrEnum):
    """Something a collector does to a case from its page."""

    NOTE = "note"
    MANUAL_PAYMENT = "manual_payment"
    WRITE_OFF = "write_off"
    ADJUST_LINE = "adjust_line"
    PAUSE_REMINDERS = "pause_reminders"
    EDIT_CONTACT = "edit_contact"
    REVOKE_LINKS = "revoke_links"
    CLOSE = "close"
    DECIDE_DISPUTE = "decide_dispute"
    ASSIGN = "assign"
    RESEND_LINK = "resend_link"
    RESEND_LETTER = "resend_letter"
    FORMAL_NOTICE = "formal_notice"
    ESCALATE = "escalate"
    SETTLEMENT_OFFER = "settlement_offer"


_LIVE = frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN, CaseStatus.DISPUTED, CaseStatus.ESCALATED})
_ANY = frozenset(CaseStatus)

ACTION_STATES: dict[CaseAction, frozenset[CaseStatus]] = {
    CaseAction.NOTE: _ANY,  # a note can always be added, even to a closed case
    CaseAction.MANUAL_PAYMENT: _LIVE,
    CaseAction.WRITE_OFF: _LIVE - {CaseStatus.DISPUTED},  # a dispute is decided first
    CaseAction.ADJUST_LINE: _LIVE - {CaseStatus.DISPUTED},
    CaseAction.PAUSE_REMINDERS: frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN}),
    CaseAction.EDIT_CONTACT: _LIVE | {CaseStatus.PAID, CaseStatus.SETTLED},
    CaseAction.REVOKE_LINKS: _ANY,
    CaseAction.CLOSE: _LIVE | {CaseStatus.PAID, CaseStatus.SETTLED},
    CaseAction.DECIDE_DISPUTE: frozenset({CaseStatus.DISPUTED}),
    CaseAction.ASSIGN: _LIVE,
    # a paid or settled case's page still gives the debtor the certificate
    CaseAction.RESEND_LINK: _LIVE | {CaseStatus.PAID, CaseStatus.SETTLED},
    CaseAction.RESEND_LETTER: _LIVE,
    # A disputed case passes the table so that the refusal names the dispute (escalation).
    CaseAction.FORMAL_NOTICE: frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN, CaseStatus.DISPUTED}),
    CaseAction.ESCALATE: frozenset({CaseStatus.OPEN, CaseStatus.DISPUTED}),
    # An offer needs a case that can still be paid and is not disputed.
    CaseAction.SETTLEMENT_OFFER: frozenset({CaseStatus.OPEN, CaseStatus.IN_PLAN}),
}


class ActionNotAllowed(ValueError):
    """The case's state does not allow this action."""

    def __init__(self, action: CaseAction, status: CaseStatus):
        super().__init__(f"{action} is not allowed on a {status} case")
        self.action, self.status = action, status


def check_action(action: CaseAction, status: CaseStatus) -> None:
    """Raise ActionNotAllowed unless the action is allowed on a case in `status`."""
    if CaseStatus(status) not in ACTION_STATES[action]:
        raise ActionNotAllowed(action, CaseStatus(status))
