"""The signed unsubscribe link of every reminder e-mail (RFC 8058 one-click, or a button)."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.debtor import bp
from portal.errors import render_error
from portal.extensions import csrf
from portal.security import public
from portal.services.reminders import controls

ONE_CLICK = "One-Click"


@bp.route("/u/<unsubscribe_token>", methods=["GET", "POST"])
@public
@csrf.exempt  # the signed token is the authority; mail clients post without a form token
def unsubscribe(unsubscribe_token: str):
    """GET asks to confirm; POST `List-Unsubscribe=One-Click` stops e-mails (letters go on)."""
    try:
        debtor_id = controls.read_unsubscribe_token(unsubscribe_token)
    except controls.UnsubscribeLinkInvalid:
        return render_error(
            400, _("This link is not valid. It may have been cut or changed."), offer_login=True
        )
    if request.method == "POST":
        if request.form.get("List-Unsubscribe") != ONE_CLICK:
            abort(400)
        controls.opt_out(debtor_id, ip=request.remote_addr)
        return redirect(url_for("debtor.unsubscribe", unsubscribe_token=unsubscribe_token), 303)
    return render_template(
        "debtor/unsubscribe.html", done=controls.opted_out(debtor_id), one_click=ONE_CLICK
    )
