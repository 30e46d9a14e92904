"""Admin pages for who reaches a creditor's data: its API tokens (made, shown once, revoked)
and its users, and the role of any staff user. Every change is audited with before/after."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal.admin import bp
from portal.admin.creditors import _creditor
from portal.admin.forms import ActionForm, ApiTokenForm, RoleForm
from portal.admin.routes import admin_only, error_message
from portal.extensions import db
from portal.models import Creditor, Role, StaffUser
from portal.services.admin import AdminError, creditors, staff_users
from portal.services.api_access import tokens


def _ip() -> str:
    return request.remote_addr or "unknown"


@bp.app_template_global()
def creditor_access(creditor: Creditor) -> dict:
    """What the creditor page shows at its end: the API tokens and the creditor's users."""
    return {
        "tokens": tokens.list_tokens(creditor.id),
        "users": staff_users.users_of_creditor(creditor.id),
        "token_form": ApiTokenForm(formdata=None),
        "action": ActionForm(),
    }


@bp.post("/creditors/<int:creditor_id>/api-tokens")
@admin_only
def api_token_create(creditor_id: int):
    """A new token: its secret is on this answer and never again."""
    found = _creditor(creditor_id)
    form = ApiTokenForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return render_template("admin/api_token_new.html", creditor=found, form=form), 422
    token, secret = tokens.create_token(
        found.id, form.name.data.strip(), staff_user_id=g.staff.id, ip=_ip()
    )
    return render_template("admin/api_token_created.html", creditor=found, token=token,
                           secret=secret), 201  # fmt: skip


@bp.post("/creditors/<int:creditor_id>/api-tokens/<int:token_id>/revoke")
@admin_only
def api_token_revoke(creditor_id: int, token_id: int):
    """Revoke a token of this creditor: it stops working at once."""
    found = _creditor(creditor_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if tokens.revoke_token(token_id, found.id, staff_user_id=g.staff.id, ip=_ip()) is None:
        abort(404)
    flash(_("The token is revoked: requests made with it are refused from now on."), "success")
    return redirect(url_for("admin.creditor", creditor_id=found.id) + "#api-tokens", code=303)


@bp.route("/users/<int:user_id>/role", methods=["GET", "POST"])
@admin_only
def user_role(user_id: int):
    """Change a staff user's role; their sessions end at once."""
    user = db.session.get(StaffUser, user_id)
    if user is None:
        abort(404)
    data = {"role": str(user.role), "creditor_id": str(user.creditor_id or "")}
    form = RoleForm(data=data if request.method == "GET" else None)
    form.creditor_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(c.id), c.legal_name) for c in creditors.list_creditors()
    ]
    if form.validate_on_submit():
        try:
            creditor_id = int(form.creditor_id.data) if form.creditor_id.data.isdigit() else None
            staff_users.change_role(g.staff, user.id, Role(form.role.data), creditor_id, ip=_ip())
        except AdminError as exc:
            db.session.rollback()
            getattr(form, exc.field or "role").errors.append(error_message(exc))
        else:
            flash(_("%(name)s's role is changed; their sessions are ended.", name=user.name),
                  "success")  # fmt: skip
            return redirect(url_for("admin.users"), code=303)
    elif request.method == "POST" and form.csrf_token.errors:
        abort(400)
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_role.html", form=form, user=user), status
