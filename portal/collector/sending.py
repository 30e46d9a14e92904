"""Sending from the case page: the link e-mail and the last letter again, the formal notice;
and the move to escalation."""

from flask import g
from flask_babel import gettext as _

from portal.collector import bp
from portal.collector import casework_forms as forms
from portal.collector.casework import COLLECTORS, _act
from portal.security import staff_required
from portal.services.casework import sending
from portal.services.escalation import notice


@bp.post("/<reference>/resend-link")
@staff_required(*COLLECTORS)
def resend_link(reference: str):
    """E-mail the debtor a new link to the case page."""
    return _act(reference, "resendlink", forms.ConfirmForm,
                lambda c, f: sending.resend_link(c.id, g.staff.id, f.seen_version()),
                _("A new link was e-mailed to the debtor."))  # fmt: skip


@bp.post("/<reference>/resend-letter")
@staff_required(*COLLECTORS)
def resend_letter(reference: str):
    """Record a copy of the last letter, to be posted again."""
    return _act(reference, "resendletter", forms.ConfirmForm,
                lambda c, f: sending.resend_letter(c.id, g.staff.id, f.seen_version()),
                _("A copy of the last letter is ready to be posted."))  # fmt: skip


@bp.post("/<reference>/formal-notice")
@staff_required(*COLLECTORS)
def formal_notice(reference: str):
    """Record a formal notice letter (mise en demeure)."""
    done = _("The formal notice is among the case's letters, ready to be posted.")
    return _act(reference, "notice", forms.ConfirmForm,
                lambda c, f: notice.send_formal_notice(c.id, g.staff.id, f.seen_version()),
                done)  # fmt: skip


@bp.post("/<reference>/escalate")
@staff_required(*COLLECTORS)
def escalate(reference: str):
    """Move the case to escalation."""
    return _act(reference, "escalate", forms.ConfirmForm,
                lambda c, f: notice.escalate(c.id, g.staff.id, f.seen_version()),
                _("The case is escalated: reminders stop."))  # fmt: skip
