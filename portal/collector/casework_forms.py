"""The forms of the collector's actions on the case page (each carries the case's version)."""

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from portal.labels import CLOSE_REASON_LABELS, MANUAL_METHOD_LABELS


class VersionedForm(FlaskForm):
    """A form sent from a page that showed the case at `version`."""

    version = HiddenField()

    def seen_version(self) -> int | None:
        """The version the page showed (None when missing or not a number)."""
        raw = (self.version.data or "").strip()
        return int(raw) if raw.isdigit() and len(raw) < 10 else None


class NoteForm(VersionedForm):
    """Add a note."""

    body = TextAreaField(
        _l("Note"),
        validators=[DataRequired(_l("Write the note.")), Length(max=4000)],
        render_kw={"rows": 3, "class": "wide"},
    )


class ManualPaymentForm(VersionedForm):
    """Record money received outside the portal."""

    key = HiddenField()  # random per form shown: the same form sent twice records once
    method = RadioField(
        _l("Received by"),
        choices=[SelectChoice(k, v) for k, v in MANUAL_METHOD_LABELS.items()],
        default="transfer",
    )
    received_on = DateField(_l("Received on"), validators=[Optional()])
    amount = StringField(_l("Amount"), validators=[Optional(), Length(max=20)])
    payer_reference = StringField(
        _l("Payer's reference"),
        validators=[Optional(), Length(max=100)],
        description=_l("The transfer's wording, the cheque number, who handed the cash."),
    )

    def fresh_key(self) -> None:
        """A new key for a form about to be shown."""
        self.key.data = secrets.token_hex(16)


class WriteOffForm(VersionedForm):
    """Write off part or all of the balance."""

    amount = StringField(
        _l("Amount to write off"),
        validators=[Optional(), Length(max=20)],
        description=_l("Leave empty to write off the whole balance."),
    )
    reason = StringField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=200)]
    )


class AdjustForm(VersionedForm):
    """Reduce one debt line."""

    line = SelectField(_l("Debt line"), coerce=int, validate_choice=False)
    amount = StringField(_l("Reduce by"), validators=[Optional(), Length(max=20)])
    reason = StringField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason.")), Length(max=200)]
    )


class CloseForm(VersionedForm):
    """Close the case."""

    reason = RadioField(
        _l("Close as"),
        choices=[SelectChoice(k, v) for k, v in CLOSE_REASON_LABELS.items()],
        validators=[DataRequired(_l("Choose how the case ends."))],
    )
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=200)])


class ContactForm(VersionedForm):
    """The debtor's contact details."""

    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    address_line1 = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    address_line2 = StringField(_l("Address (line 2)"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), Length(max=20)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])


class ConfirmForm(VersionedForm):
    """An action with nothing to type (revoke links, assign to me)."""
