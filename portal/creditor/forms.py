"""The creditor's forms: placement upload, webhook endpoint."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class PlacementForm(FlaskForm):
    """A CSV file of cases to place."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l("UTF-8 or Windows-1252, columns separated by commas or semicolons."),
    )


class WebhookForm(FlaskForm):
    """An HTTPS URL to send the creditor's events to (checked again by the service)."""

    url = StringField(
        _l("URL"),
        validators=[DataRequired(_l("Enter the URL.")), Length(max=500)],
        description=_l("An https:// address on the Internet, e.g. https://erp.example.com/amiable"),
    )
