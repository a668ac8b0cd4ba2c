"""Forms of the CSV page: the upload and the confirmation of a previewed file."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange
from wtforms.widgets import HiddenInput

from app.forms_base import BackendForm
from app.routing import MAX_ID


class UploadForm(BackendForm):
    file = FileField(_l("CSV-Datei"), [FileRequired(_l("Bitte wählen Sie eine CSV-Datei aus."))],
                     render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField(_l("Datei prüfen"))


class ApplyForm(BackendForm):
    # An id beyond the database's integer range must not reach the driver (OverflowError).
    batch = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(1, MAX_ID)])
    digest = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    submit = SubmitField(_l("Änderungen übernehmen"))
