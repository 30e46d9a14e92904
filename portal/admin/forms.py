"""Admin forms: invite a staff user, a creditor's identity, the agency, audit filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.models import Role

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class ActionForm(FlaskForm):
    """A button that changes something (CSRF only)."""


class InviteForm(FlaskForm):
    """A new staff user, invited by e-mail."""

    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Regexp(EMAIL, message=_l("This e-mail address is not valid.")),
            Length(max=254),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice(Role.COLLECTOR.value, _l("Collector")),
            SelectChoice(Role.ADMIN.value, _l("Administrator")),
            SelectChoice(Role.CREDITOR.value, _l("Creditor user")),
        ],
    )
    creditor_id = SelectField(_l("Creditor (creditor users only)"), choices=[], coerce=str)
    language = SelectField(
        _l("Language"), choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")]
    )


class CreditorForm(FlaskForm):
    """A creditor's identity and settings (checked again by the service)."""

    legal_name = StringField(_l("Legal name"), validators=[Length(max=200)])
    siren = StringField(_l("SIREN"), validators=[Length(max=20)])
    vat_number = StringField(_l("VAT number"), validators=[Length(max=20)])
    address_line1 = StringField(_l("Address"), validators=[Length(max=200)])
    address_line2 = StringField(_l("Address (continued)"), validators=[Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Length(max=20)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    contact_email = StringField(_l("Contact e-mail"), validators=[Length(max=254)])
    currency = SelectField(
        _l("Currency"), choices=[SelectChoice(c, c) for c in ("EUR", "CHF", "GBP", "USD")]
    )
    verification_factor = SelectField(
        _l("What debtors give to log in"),
        choices=[
            SelectChoice("postcode", _l("Postcode")),
            SelectChoice("date_of_birth", _l("Date of birth")),
        ],
    )
    commission_rate = StringField(
        _l("Commission rate (%)"),
        validators=[Length(max=10)],
        description=_l("Between 0 and 100, e.g. 12.5"),
    )


class AgencyForm(FlaskForm):
    """The agency's identity, printed on every notice."""

    legal_name = StringField(_l("Legal name"), validators=[Length(max=200)])
    siren = StringField(_l("SIREN"), validators=[Length(max=20)])
    address_line1 = StringField(_l("Address"), validators=[Length(max=200)])
    address_line2 = StringField(_l("Address (continued)"), validators=[Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[Length(max=20)])
    city = StringField(_l("City"), validators=[Length(max=100)])
    email = StringField(_l("E-mail"), validators=[Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    iban = StringField(_l("IBAN"), validators=[Length(max=42)])
    bic = StringField(_l("BIC"), validators=[Length(max=11)])


class ApiTokenForm(FlaskForm):
    """A new API token for a creditor: a name to tell it apart."""

    name = StringField(
        _l("Token name"),
        validators=[DataRequired(_l("Give the token a name.")), Length(max=100)],
        description=_l("E.g. the system that will use it: “ERP export”."),
    )


class RoleForm(FlaskForm):
    """A staff user's role, and their creditor for a creditor user."""

    role = SelectField(_l("Role"), choices=InviteForm.role.kwargs["choices"])
    creditor_id = SelectField(_l("Creditor (creditor users only)"), choices=[], coerce=str)
