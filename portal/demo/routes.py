"""The demo outbox: every e-mail the portal recorded, and each one as its debtor sees it."""

from flask import abort, make_response, render_template

from portal.demo import bp
from portal.security import public
from portal.services.mail import read


@bp.get("/outbox")
@public
def outbox():
    """The newest e-mails recorded, whoever they went to."""
    return render_template("demo/outbox.html", emails=read.every_email())


@bp.get("/outbox/<int:message_id>")
@public
def email(message_id: int):
    """One e-mail as its recipient sees it, with working links (no script allowed)."""
    found = next((m for m in read.every_email(limit=None, message_id=message_id)), None)
    if found is None:
        abort(404)
    if not found.body_html:
        return render_template("demo/email_text.html", message=found)
    response = make_response(found.body_html)
    response.headers["Content-Security-Policy"] = read.email_page_csp()
    return response
