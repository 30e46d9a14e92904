"""Debtor login forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    """Case reference and the verification factor."""

    reference = StringField(
        _l("Case reference"),
        validators=[
            DataRequired(_l("Enter the reference printed on your letter or e-mail.")),
            Length(max=40),
        ],
        description=_l("Printed on your letter or e-mail, for example 7KQ-M4R-T9X."),
    )
    factor = StringField(
        _l("Postcode or date of birth"),
        validators=[DataRequired(_l("Enter your postcode or your date of birth.")), Length(max=40)],
        description=_l("Your letter says which one. Write a date as DD/MM/YYYY."),
    )


class FactorForm(FlaskForm):
    """The verification factor only, after a signed link."""

    factor = StringField(validators=[DataRequired(_l("This field is required.")), Length(max=40)])
