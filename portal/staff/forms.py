"""Staff login forms: password, second factor."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


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


class ForgotForm(FlaskForm):
    """The e-mail address of the account."""

    email = EmailField(
        _l("E-mail"), validators=[DataRequired(_l("Enter your e-mail.")), Length(max=254)]
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a password.")), Length(max=200)],
        description=_l("At least 12 characters. A few words you will remember work well."),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the password again.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    """The current password, then the new one twice."""

    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), Length(max=200)],
    )
