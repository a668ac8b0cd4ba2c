"""Forms of the catalog: the strategy, fields of action, departments, funding sources, champions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, FieldList, FormField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.backend import queries
from app.backend.catalog import ChampionData, StrategyData
from app.backend.forms import BLANK_ROWS, AmountRowForm, MoneyField, _date, _int, _select, http_url
from app.forms_base import INVALID_NUMBER, BackendForm
from app.models import Champion, Department


class BudgetYearForm(AmountRowForm):
    year = _int(_l("Jahr"), Optional(), NumberRange(2000, 2100))
    amount = MoneyField(_l("Betrag in Euro"))

    key_field = "year"
    amount_missing = _l("Bitte geben Sie den Betrag für dieses Jahr an.")
    key_missing = _l("Bitte geben Sie das Jahr zu diesem Betrag an.")


class StrategyForm(BackendForm):
    title = StringField(_l("Titel"), [DataRequired(_l("Bitte geben Sie einen Titel ein.")), Length(max=200)])
    intro = TextAreaField(_l("Einleitung (Markdown)"))
    title_en = StringField(_l("Titel (englisch, freiwillig)"), [Length(max=200)])
    intro_en = TextAreaField(_l("Einleitung (englisch, Markdown, freiwillig)"))
    lead_role_en = StringField(_l("Verantwortliche Funktion (englisch, freiwillig)"), [Length(max=200)])
    period_from = _int(_l("Zeitraum von (Jahr)"), InputRequired(INVALID_NUMBER), NumberRange(2000, 2100))
    period_to = _int(_l("Zeitraum bis (Jahr)"), InputRequired(INVALID_NUMBER), NumberRange(2000, 2100))
    council_decision_on = _date(_l("Ratsbeschluss vom"))
    council_decision_reference = StringField(_l("Aktenzeichen des Beschlusses"), [Length(max=200)])
    council_decision_url = StringField(_l("Link zum Beschluss"), [Length(max=500), http_url])
    document_url = StringField(_l("Link zum Strategiedokument"), [Length(max=500), http_url])
    lead_role = StringField(_l("Verantwortliche Funktion"), [Length(max=200)])
    budget_years = FieldList(FormField(BudgetYearForm), min_entries=BLANK_ROWS)
    preview = SubmitField(_l("Vorschau"))
    submit = SubmitField(_l("Speichern"))

    @classmethod
    def for_strategy(cls, strategy) -> StrategyForm:
        years = [{"year": b.year, "amount": b.amount} for b in strategy.budget_years] if strategy else []
        form = cls(obj=strategy, budget_years=years)
        if not form.is_submitted() and years:
            for _ in range(BLANK_ROWS):
                form.budget_years.append_entry()
        return form

    def validate_budget_years(self, field):
        years = [e.year.data for e in field.entries if e.year.data is not None]
        if len(years) != len(set(years)):
            raise ValidationError(_l("Jedes Jahr darf nur einmal vorkommen."))

    def to_data(self) -> StrategyData:
        return StrategyData(
            **self.texts(
                "title", "intro", "title_en", "intro_en", "lead_role_en", "council_decision_reference", "lead_role",
            ),
            period_from=self.period_from.data,
            period_to=self.period_to.data,
            council_decision_on=self.council_decision_on.data,
            council_decision_url=(self.council_decision_url.data or "").strip(),
            document_url=(self.document_url.data or "").strip(),
            budget_years={e.year.data: e.amount.data for e in self.budget_years
                          if e.year.data is not None and e.amount.data is not None},
        )


class FieldForm(BackendForm):
    name = StringField(_l("Name"), [DataRequired(_l("Bitte geben Sie einen Namen ein.")), Length(max=200)])
    slug = StringField(_l("Adresse (Slug)"), [Optional(), Length(max=200)])
    description = TextAreaField(_l("Beschreibung"))
    name_en = StringField(_l("Name (englisch, freiwillig)"), [Length(max=200)])
    description_en = TextAreaField(_l("Beschreibung (englisch, freiwillig)"))
    position = _int(_l("Position in Listen"), Optional(), NumberRange(0, 1000), default=0)
    submit = SubmitField(_l("Speichern"))

    def save_args(self) -> tuple:
        """catalog.save_field's arguments after the actor and the field."""
        return (
            self.name.data, (self.slug.data or "").strip(), self.description.data or "", self.position.data or 0,
            self.name_en.data or "", self.description_en.data or "",
        )


class DepartmentForm(BackendForm):
    name = StringField(_l("Name"), [DataRequired(_l("Bitte geben Sie einen Namen ein.")), Length(max=200)])
    slug = StringField(_l("Adresse (Slug)"), [Optional(), Length(max=200)])
    description = TextAreaField(_l("Kurzbeschreibung"))
    contact_email = StringField(
        _l("E-Mail-Adresse für das Kontaktformular"), [Optional(), Length(max=254)],
        description=_l("Nachrichten aus dem Kontaktformular gehen an diese Adresse. Sie wird nie öffentlich gezeigt. "
                       "Leer: Das Formular verweist auf den allgemeinen Kontakt."),
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Speichern"))

    def save_args(self) -> tuple:
        """catalog.save_department's arguments after the actor and the department."""
        slug = (self.slug.data or "").strip()
        return self.name.data, slug, self.description.data or "", self.contact_email.data or ""


class FundingSourceForm(BackendForm):
    name = StringField(_l("Name"), [DataRequired(_l("Bitte geben Sie einen Namen ein.")), Length(max=200)])
    is_grant = BooleanField(_l("Fördermittel (sonst eigener Haushalt)"))
    description = TextAreaField(_l("Beschreibung"))
    submit = SubmitField(_l("Speichern"))

    def save_args(self) -> tuple:
        """catalog.save_funding_source's arguments after the actor and the source."""
        return self.name.data, bool(self.is_grant.data), self.description.data or ""


class ChampionForm(BackendForm):
    name = StringField(_l("Name"), [DataRequired(_l("Bitte geben Sie einen Namen ein.")), Length(max=200)])
    role = StringField(_l("Funktion"), [DataRequired(_l("Bitte geben Sie die Funktion an.")), Length(max=200)])
    department_id = _select(_l("Organisationseinheit"))
    quote = TextAreaField(_l("Kurzes Zitat"))
    role_en = StringField(_l("Funktion (englisch, freiwillig)"), [Length(max=200)])
    quote_en = TextAreaField(_l("Kurzes Zitat (englisch, freiwillig)"))
    photo_consent_on = _date(_l("Einwilligung zum Foto erteilt am"))
    photo = FileField(_l("Foto (PNG, JPEG oder WebP)"))
    remove_photo = BooleanField(_l("Foto entfernen"))
    submit = SubmitField(_l("Speichern"))

    @classmethod
    def for_champion(cls, champion: Champion | None) -> ChampionForm:
        form = cls(obj=champion)
        form.department_id.choices = [("", _l("– keine –"))] + queries.named_choices(Department)
        return form

    def to_data(self) -> ChampionData:
        upload = self.photo.data
        content = upload.read() if upload is not None and getattr(upload, "filename", "") else None
        return ChampionData(
            **self.texts("name", "role", "quote", "role_en", "quote_en"),
            department_id=self.department_id.data,
            photo_consent_on=self.photo_consent_on.data,
            photo_upload=content or None,
            remove_photo=bool(self.remove_photo.data),
        )
