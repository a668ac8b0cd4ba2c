"""The traffic light form of the staff backend."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from app.forms_base import BackendForm
from app.internal.services import LIGHT_LABELS, LightData
from app.models.internal import Light


class TrafficLightForm(BackendForm):
    # The service checks the choice and the note, so that every caller gets the same messages.
    light = RadioField(
        _l("Ampel"),
        choices=[SelectChoice(light.value, LIGHT_LABELS[light]) for light in Light],
        validate_choice=False,
    )
    note = TextAreaField(_l("Interne Notiz: Risiken und nötige Entscheidungen"), render_kw={"rows": 6})
    submit = SubmitField(_l("Ampel speichern"))

    def to_data(self) -> LightData:
        return LightData(light=self.light.data or "", note=self.note.data or "")
