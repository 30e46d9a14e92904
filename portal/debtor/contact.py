"""The debtor asks to be called back at a slot, and chooses how to be contacted."""

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.debtor import bp, current_case
from portal.domain import callbacks as rules
from portal.models.base import utcnow
from portal.security import debtor_required
from portal.services import callbacks


class CallbackForm(FlaskForm):
    """A slot and a phone number."""

    slot = SelectField(_l("When should we call you?"), validate_choice=False)
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=40)])


class ChannelForm(FlaskForm):
    """How the debtor prefers to be contacted."""

    channel = RadioField(
        _l("How should we contact you?"),
        choices=[
            SelectChoice("email", _l("By e-mail")),
            SelectChoice("letter", _l("By letter")),
            SelectChoice("phone", _l("By phone")),
        ],
    )
    # Its own id: the call-back form on the same page has a phone field too.
    phone = StringField(
        _l("Phone number"), validators=[Optional(), Length(max=40)], id="channel-phone"
    )


REFUSALS = {
    "phone": _l("Enter a phone number, for example 06 12 34 56 78."),
    "day": _l("Choose a working day."),
    "hours": _l("Choose a time between 9:00 and 18:00."),
    "too_soon": _l("Choose a time at least two hours from now."),
    "too_far": _l("Choose a time within the next two weeks."),
    "state": _l("Call-backs are not offered on this case any more."),
}


def _page(case, callback_form=None, channel_form=None, error=None, status=200):
    zone = callbacks.zone_of(case)
    form = callback_form or CallbackForm(formdata=None)
    form.slot.choices = [
        SelectChoice(s.isoformat(), format_datetime(s, "EEEE d MMMM, HH:mm", rebase=False))
        for s in rules.slots(utcnow(), zone, case.debtor.postcode or "")
    ]
    if callback_form is None:
        form.phone.data = case.debtor.phone or ""
    channels = channel_form or ChannelForm(formdata=None)
    if channel_form is None:
        channels.channel.data = callbacks.channel_of(case.debtor_id)
        channels.phone.data = case.debtor.phone or ""
    return (
        render_template("debtor/contact.html", case=case, form=form, channels=channels,
                        waiting=callbacks.open_request(case.id), error=error),
        status,
    )  # fmt: skip


@bp.get("/case/contact")
@debtor_required
def contact():
    """Ask for a call-back; choose e-mail, letter or phone."""
    return _page(current_case())


@bp.post("/case/contact/callback")
@debtor_required
def contact_callback():
    """Record a call-back request at the chosen slot."""
    case = current_case()
    form = CallbackForm()
    if not form.validate_on_submit():
        return _page(case, callback_form=form, error=_("Please check the form."), status=422)
    try:
        slot = dt.datetime.fromisoformat(form.slot.data or "")
        if slot.tzinfo is None:
            raise ValueError
    except ValueError:
        return _page(case, callback_form=form, error=str(REFUSALS["hours"]), status=422)
    try:
        callbacks.request_callback(case.id, slot, form.phone.data or "", request.remote_addr)
    except callbacks.CallbackRefused as exc:
        return _page(case, callback_form=form, error=str(REFUSALS.get(exc.reason)), status=422)
    flash(_("We will call you on %(when)s.",
            when=format_datetime(slot, "EEEE d MMMM, HH:mm", rebase=False)), "success")  # fmt: skip
    return redirect(url_for("debtor.contact"), code=303)


@bp.post("/case/contact/channel")
@debtor_required
def contact_channel():
    """Record how the debtor prefers to be contacted."""
    case = current_case()
    form = ChannelForm()
    if not form.validate_on_submit() or form.channel.data not in rules.CHANNELS:
        return _page(case, channel_form=form, error=_("Please check the form."), status=422)
    try:
        callbacks.set_channel(case, form.channel.data, form.phone.data or "", request.remote_addr)
    except callbacks.CallbackRefused as exc:
        return _page(case, channel_form=form, error=str(REFUSALS.get(exc.reason)), status=422)
    flash(_("Your choice is saved."), "success")
    return redirect(url_for("debtor.contact"), code=303)
