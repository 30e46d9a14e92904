"""Reminder controls on the staff case page: pause until a date, clear a time-bar review."""

import datetime as dt
from dataclasses import dataclass

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import Length, Optional

from portal.collector import bp
from portal.collector.routes import case_page, load_reference
from portal.debtor.documents import letter_response
from portal.domain.casework import ActionNotAllowed
from portal.domain.reminders import Step
from portal.extensions import db
from portal.models import CaseReminder, Role, TimeBarReview
from portal.security import staff_required
from portal.services.casework import actions
from portal.services.reminders import controls


class PauseForm(FlaskForm):
    """Pause the reminders until a date; `resume` lifts the pause."""

    until = DateField(_l("Pause until"), validators=[Optional()])
    note = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=200)])
    pause = SubmitField(_l("Pause reminders"))
    resume = SubmitField(_l("Resume now"))


class ReviewForm(FlaskForm):
    """Confirm the review of a possibly time-barred debt."""

    clear = SubmitField(_l("Mark as reviewed"))


@dataclass
class Panel:
    """What the case page shows about reminders."""

    state: CaseReminder | None
    steps: tuple[Step, ...]
    opted_out: bool
    pause_form: PauseForm
    review_form: ReviewForm

    @property
    def review_required(self) -> bool:
        """A possibly time-barred debt waits for a collector."""
        return bool(self.state and self.state.time_bar == TimeBarReview.REQUIRED)

    @property
    def next_due_at(self) -> dt.datetime | dt.date | None:
        """When the next step can go: never before the end of a pause."""
        due = self.state.next_due_at if self.state else None
        paused = self.state.paused_until if self.state else None
        if due is None or self.next_step is None:
            return None
        if paused is not None and paused > due.date():
            return paused
        return due

    @property
    def next_step(self) -> Step | None:
        """The step the case is waiting for, if any."""
        position = self.state.position if self.state else 0
        return self.steps[position] if position < len(self.steps) else None


@bp.app_template_global()
def reminder_panel(case) -> Panel:
    """The reminder section of the staff case page."""
    return Panel(
        state=db.session.get(CaseReminder, case.id),
        steps=controls.sequence_of(case.creditor_id),
        opted_out=controls.opted_out(case.debtor_id),
        pause_form=PauseForm(formdata=None),
        review_form=ReviewForm(formdata=None),
    )


def _back(reference: str):
    return redirect(url_for("collector.case", reference=reference, _anchor="reminders-title"), 303)


@bp.post("/<reference>/reminders/pause")
@staff_required(Role.COLLECTOR, Role.ADMIN)
def pause_reminders(reference: str):
    """Pause (or resume) the case's reminders."""
    found = load_reference(reference)
    form = PauseForm()
    if not form.validate_on_submit():
        flash(_("Enter the date as shown, for example 2027-01-31."), "error")
        return _back(reference)
    until = None if form.resume.data else form.until.data
    if until is None and not form.resume.data:
        flash(_("Choose the date until which reminders are paused."), "error")
        return _back(reference)
    try:
        actions.pause_reminders(found.id, g.staff.id, until, form.note.data)
    except controls.PauseError:
        flash(_("Choose a date after today and within a year."), "error")
        return _back(reference)
    except ActionNotAllowed:
        return case_page(found, 409, _("Reminders can be paused on an open case only."))
    if until:
        flash(_("Reminders paused until %(date)s.", date=until.strftime("%d/%m/%Y")), "success")
    else:
        flash(_("Reminders resumed."), "success")
    return _back(reference)


@bp.post("/<reference>/reminders/time-bar")
@staff_required(Role.COLLECTOR, Role.ADMIN)
def clear_time_bar(reference: str):
    """Record that a collector reviewed a possibly time-barred debt."""
    found = load_reference(reference)
    if ReviewForm().validate_on_submit():
        controls.clear_time_bar(found.id, g.staff.id)
        flash(_("Review recorded: reminders may go on."), "success")
    return _back(reference)


@bp.get("/<reference>/letters/<int:letter_id>.pdf")
@staff_required(Role.COLLECTOR, Role.ADMIN)
def letter(reference: str, letter_id: int):
    """A letter of the case as the debtor received it."""
    found = load_reference(reference)
    return letter_response(found.id, letter_id)
