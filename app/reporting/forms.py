"""Forms of the report administration (with CSRF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField
from wtforms.validators import DataRequired

from app.forms_base import INVALID_CHOICE, INVALID_DATE, BackendForm, optional_int


class IssueReportForm(BackendForm):
    reporting_date = DateField(_l("Stichtag"), [DataRequired(message=INVALID_DATE)],
                               invalid_value_message=INVALID_DATE)
    previous_id = SelectField(_l("Vergleichen mit dem Bericht"), coerce=optional_int,
                              invalid_value_message=INVALID_CHOICE, validate_choice=True)


class PublishForm(BackendForm):
    published = HiddenField()
