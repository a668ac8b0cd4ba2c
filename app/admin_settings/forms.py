"""Forms of the settings pages; the rules live in services.py."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.admin_settings.services import PageText, SiteSettings
from app.forms_base import BackendForm


class LinesField(TextAreaField):
    """A list of strings, one a line (commas also separate)."""

    def _value(self) -> str:
        if isinstance(self.data, (list, tuple)):
            return "\n".join(self.data)
        return self.data or ""

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [part.strip() for part in text.replace(",", "\n").splitlines() if part.strip()]


def _count_field(label, missing) -> IntegerField:
    """A required whole number (days, flags); `missing` says what to enter."""
    return IntegerField(
        label, [InputRequired(missing)],
        invalid_value_message=_l("Bitte geben Sie eine ganze Zahl ein."), render_kw={"inputmode": "numeric"},
    )


class SettingsForm(BackendForm):
    municipality_name = StringField(_l("Name der Kommune"))
    primary_color = StringField(_l("Hauptfarbe"), render_kw={"autocomplete": "off", "spellcheck": "false"})
    accent_color = StringField(_l("Akzentfarbe"), render_kw={"autocomplete": "off", "spellcheck": "false"})
    contact_address = TextAreaField(_l("Anschrift"), render_kw={"rows": 4})
    contact_email = StringField(_l("E-Mail-Adresse"), render_kw={"type": "email", "autocomplete": "off"})
    contact_phone = StringField(_l("Telefon"), render_kw={"type": "tel", "autocomplete": "off"})
    stale_after_days = _count_field(
        _l("Hinweis auf fehlende Meldungen nach … Tagen"), _l("Bitte geben Sie eine Zahl von Tagen ein.")
    )
    moderation_mode = RadioField(
        _l("Moderation von Kommentaren"),
        choices=[
            SelectChoice("post", _l("Nachmoderation: Kommentare erscheinen sofort und werden danach geprüft")),
            SelectChoice("pre", _l("Vorabmoderation: Kommentare erscheinen erst nach der Prüfung")),
        ],
        validate_choice=False,
    )
    comments_open = BooleanField(_l("Kommentare auf der ganzen Website erlauben"))
    guest_comments = BooleanField(_l("Kommentare von Gästen ohne Konto erlauben"))
    auto_hide_flags = _count_field(
        _l("Kommentar nach … Meldungen vorläufig ausblenden"), _l("Bitte geben Sie eine Zahl von Meldungen ein.")
    )
    embed_allowed_origins = LinesField(
        _l("Websites, die die Widgets einbetten dürfen"),
        render_kw={"rows": 4, "autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Einstellungen speichern"))

    def to_data(self) -> SiteSettings:
        return SiteSettings(
            **self.texts(
                "municipality_name", "primary_color", "accent_color", "contact_address", "contact_email",
                "contact_phone", "moderation_mode",
            ),
            stale_after_days=self.stale_after_days.data,
            comments_open=bool(self.comments_open.data),
            guest_comments=bool(self.guest_comments.data),
            auto_hide_flags=self.auto_hide_flags.data,
            embed_allowed_origins=list(self.embed_allowed_origins.data or []),
        )


class LogoForm(BackendForm):
    file = FileField(_l("Neues Logo"), [FileRequired(_l("Bitte wählen Sie eine Bilddatei aus."))],
                     render_kw={"accept": "image/png,image/jpeg,image/webp"})
    submit = SubmitField(_l("Logo hochladen"))


class RemoveLogoForm(BackendForm):
    submit = SubmitField(_l("Logo entfernen"))


class PageForm(BackendForm):
    title_de = StringField(_l("Titel (deutsch)"))
    body_de = TextAreaField(_l("Text (deutsch, Markdown)"), render_kw={"rows": 16})
    title_en = StringField(_l("Titel (englisch, freiwillig)"))
    body_en = TextAreaField(_l("Text (englisch, Markdown, freiwillig)"), render_kw={"rows": 12})
    video_url = StringField(_l("Link zum Video in Gebärdensprache"), render_kw={"type": "url"})
    preview = SubmitField(_l("Vorschau"))
    submit = SubmitField(_l("Text speichern"))

    def to_data(self) -> PageText:
        return PageText(
            **self.texts("title_de", "body_de", "title_en", "body_en"), video_url=(self.video_url.data or "").strip()
        )
