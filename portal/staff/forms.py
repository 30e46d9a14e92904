"""Staff login forms: password, second factor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class StaffLoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Enter your e-mail.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )


class CodeForm(FlaskForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
        description=_l("The 6 digits shown by your authenticator app, or a recovery code."),
    )


class EnrolForm(FlaskForm):
    """The first code from the app, to confirm it was set up."""

    code = StringField(
        _l("Code from the app"),
        validators=[DataRequired(_l("Enter the code.")), Length(max=20)],
        description=_l("After adding the account, type the 6 digits the app shows."),
    )
