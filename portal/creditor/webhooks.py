"""The creditor's webhook endpoints: register an HTTPS URL (secret shown once), enable or
disable, delete, and each endpoint's delivery log. Another creditor's endpoint is a 404."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal.creditor import bp
from portal.creditor.forms import WebhookForm
from portal.models import Role, WebhookEndpoint
from portal.security import staff_required
from portal.services.outgoing_webhooks import endpoints


def _refusal(reason: str) -> str:
    return {
        "not_https": _("The URL must start with https:// (plain http:// is refused)."),
        "private_address": _(
            "This address is not on the public Internet (a local, private or link-local "
            "address): webhooks are only sent to public HTTPS servers."
        ),
    }.get(reason, _("This URL is not valid."))


def _own(endpoint_id: int) -> WebhookEndpoint:
    found = endpoints.endpoint_of(g.staff.creditor_id, endpoint_id)
    if found is None:
        abort(404)
    return found


def _ip() -> str:
    return request.remote_addr or "unknown"


@bp.route("/webhooks", methods=["GET", "POST"])
@staff_required(Role.CREDITOR)
def webhooks():
    """The creditor's endpoints and the form to add one; a new one's secret is shown once."""
    form, secret, status = WebhookForm(), None, 200
    if form.validate_on_submit():
        try:
            _, secret = endpoints.add_endpoint(
                g.staff.creditor_id, form.url.data, staff_user_id=g.staff.id, ip=_ip()
            )
        except endpoints.EndpointRefused as exc:
            form.url.errors.append(_refusal(exc.reason))
            status = 422
        else:
            form, status = WebhookForm(formdata=None), 201
    elif request.method == "POST":
        if form.csrf_token.errors:
            abort(400)
        status = 422
    return render_template(
        "creditor/webhooks.html",
        form=form,
        action=FlaskForm(),
        endpoints=endpoints.endpoints_of(g.staff.creditor_id),
        secret=secret,
    ), status


def _change(endpoint_id: int, what: str):
    """Enable, disable or delete one of the creditor's endpoints."""
    found = _own(endpoint_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if what == "delete":
        endpoints.remove(found, g.staff.id, _ip())
        flash(_("The endpoint is deleted."), "success")
    else:
        endpoints.set_active(found, what == "enable", g.staff.id, _ip())
        flash(_("The endpoint is enabled.") if what == "enable" else
              _("The endpoint is disabled: nothing is sent to it until it is enabled again."),
              "success")  # fmt: skip
    return redirect(url_for("creditor.webhooks"), code=303)


@bp.post("/webhooks/<int:endpoint_id>/enable")
@staff_required(Role.CREDITOR)
def webhook_enable(endpoint_id: int):
    """Send events to the endpoint again (from now on)."""
    return _change(endpoint_id, "enable")


@bp.post("/webhooks/<int:endpoint_id>/disable")
@staff_required(Role.CREDITOR)
def webhook_disable(endpoint_id: int):
    """Send nothing to the endpoint until it is enabled again."""
    return _change(endpoint_id, "disable")


@bp.post("/webhooks/<int:endpoint_id>/delete")
@staff_required(Role.CREDITOR)
def webhook_delete(endpoint_id: int):
    """Delete the endpoint and its delivery log."""
    return _change(endpoint_id, "delete")


@bp.get("/webhooks/<int:endpoint_id>")
@staff_required(Role.CREDITOR)
def webhook_log(endpoint_id: int):
    """One endpoint's latest deliveries: event, time, response code, attempts."""
    found = _own(endpoint_id)
    return render_template(
        "creditor/webhook_log.html", endpoint=found, deliveries=endpoints.deliveries_of(found)
    )
