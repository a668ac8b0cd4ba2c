"""The subscription form: one e-mail address, with the participation forms' anti-spam fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.citizens.forms import email_field
from app.participation.forms import AntiSpamForm


class SubscribeForm(AntiSpamForm):
    email = email_field(
        _l("Ihre E-Mail-Adresse"),
        description=_l("Nur für diese Benachrichtigungen. Sie wird nicht veröffentlicht und nicht weitergegeben."),
    )
