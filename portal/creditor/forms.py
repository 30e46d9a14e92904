"""The creditor's placement upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class PlacementForm(FlaskForm):
    """A CSV file of cases to place."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l("UTF-8 or Windows-1252, columns separated by commas or semicolons."),
    )
