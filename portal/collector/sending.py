"""Sending again from the case page: the link e-mail and the last letter."""

from flask import g
from flask_babel import gettext as _

from portal.collector import bp
from portal.collector import casework_forms as forms
from portal.collector.casework import COLLECTORS, _act
from portal.security import staff_required
from portal.services.casework import sending


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
