"""Forms of the contact pages; the rules live in services.py."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.contact.services import MESSAGE_MAX, NAME_MAX, URL_MAX
from app.participation.forms import AntiSpamForm, MaxLength


class ContactForm(AntiSpamForm):
    name = StringField(
        _l("Ihr Name"), [DataRequired(_l("Bitte geben Sie Ihren Namen an.")), MaxLength(NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Ihre E-Mail-Adresse"),
        [DataRequired(_l("Bitte geben Sie Ihre E-Mail-Adresse an.")), Length(max=254)],
        description=_l("Für die Antwort. Sie wird nicht veröffentlicht."),
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    message = TextAreaField(
        _l("Ihre Nachricht"), [DataRequired(_l("Bitte schreiben Sie eine Nachricht.")), MaxLength(MESSAGE_MAX)],
        render_kw={"rows": 8},
    )


class BarrierForm(AntiSpamForm):
    page_url = StringField(
        _l("Auf welcher Seite? (freiwillig)"), [Optional(), MaxLength(URL_MAX)],
        description=_l("Die Adresse der Seite oder ihr Titel."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    description = TextAreaField(
        _l("Was ist die Barriere?"),
        [DataRequired(_l("Bitte beschreiben Sie die Barriere.")), MaxLength(MESSAGE_MAX)],
        description=_l("Zum Beispiel: was Sie tun wollten, was nicht ging und welche Hilfsmittel Sie nutzen."),
        render_kw={"rows": 8},
    )
    email = EmailField(
        _l("Ihre E-Mail-Adresse (freiwillig)"), [Optional(), Length(max=254)],
        description=_l("Nur wenn Sie eine Antwort möchten. Sie bekommen dann auch eine Eingangsbestätigung."),
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
