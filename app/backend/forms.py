"""Forms of the staff backend for milestones, progress and the lists, their field helpers, and the
conversion of their input into service data (the catalog's forms: app/backend/catalog_forms.py)."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal, lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.backend import queries
from app.backend.numbers import MoneyFormatError, parse_money
from app.backend.services import (
    REASON_REQUIRED,
    FundingRow,
    MilestoneData,
    ProgressData,
    editable_departments,
    is_replanning,
)
from app.formatting import STATUS_LABELS
from app.forms_base import (
    INVALID_CHOICE,
    INVALID_DATE,
    INVALID_NUMBER,
    BackendForm,
    CheckboxesField,
    PlainForm,
    optional_int,
    optional_str,
)
from app.i18n import current_language
from app.models import Champion, Department, Field, FundingSource, Milestone, Role, User
from app.progress import MilestoneStatus, today

URL_MESSAGE = _l("Bitte geben Sie eine vollständige Adresse ein, die mit https:// beginnt.")


def _date(label, *validators, **kw) -> DateField:
    return DateField(label, [*validators] or [Optional()], invalid_value_message=INVALID_DATE, **kw)


def _int(label, *validators, **kw) -> IntegerField:
    return IntegerField(label, list(validators), invalid_value_message=INVALID_NUMBER, **kw)


def _select(label, *validators, coerce=optional_int, **kw) -> SelectField:
    return SelectField(label, list(validators), coerce=coerce, invalid_value_message=INVALID_CHOICE,
                       validate_choice=True, **kw)


def http_url(form, field) -> None:
    """Links must be absolute http(s) addresses (no javascript: or relative paths)."""
    value = (field.data or "").strip()
    if value and not (value.startswith("https://") or value.startswith("http://")) or " " in value:
        raise ValidationError(URL_MESSAGE)


class MoneyField(StringField):
    """An amount in EUR typed the German way ("1.234,50") or the English way; data is a Decimal."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_money(valuelist[0], current_language())
        except MoneyFormatError as exc:
            self.data = None
            raise ValueError(str(_l("Bitte geben Sie einen Betrag in Euro ein, zum Beispiel 1.234,50."))) from exc

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal(self.data, format="#,##0.00")


class AmountRowForm(PlainForm):
    """A row of a key field (`key_field`: a funding source, a year) and `amount`: both or neither."""

    key_field = ""
    amount_missing = key_missing = ""

    def validate_amount(self, field):
        key = self[self.key_field].data
        if key is not None and field.data is None and not field.errors:
            raise ValidationError(self.amount_missing)
        if key is None and field.data is not None:
            raise ValidationError(self.key_missing)


class FundingRowForm(AmountRowForm):
    source_id = _select(_l("Finanzierungsquelle"))
    amount = MoneyField(_l("Betrag in Euro"))

    key_field = "source_id"
    amount_missing = _l("Bitte geben Sie den Betrag dieser Quelle an.")
    key_missing = _l("Bitte wählen Sie die Quelle zu diesem Betrag.")


STATUS_CHOICES = [SelectChoice(s.value, STATUS_LABELS[s]) for s in MilestoneStatus]
BLANK_ROWS = 2


class MilestoneForm(BackendForm):
    title = StringField(_l("Titel"), [DataRequired(_l("Bitte geben Sie einen Titel ein.")), Length(max=200)])
    slug = StringField(_l("Adresse (Slug)"), [Optional(), Length(max=200)])
    summary = TextAreaField(_l("Kurzbeschreibung"))
    description = TextAreaField(_l("Beschreibung (Markdown)"))
    easy_summary = TextAreaField(_l("Zusammenfassung in Leichter Sprache"))
    title_en = StringField(_l("Titel (englisch, freiwillig)"), [Length(max=200)])
    summary_en = TextAreaField(_l("Kurzbeschreibung (englisch, freiwillig)"))
    description_en = TextAreaField(_l("Beschreibung (englisch, Markdown, freiwillig)"))
    contact_role_en = StringField(_l("Ansprechfunktion (englisch, freiwillig)"), [Length(max=200)])
    field_id = _select(_l("Handlungsfeld"), DataRequired(_l("Bitte wählen Sie ein Handlungsfeld.")))
    parent_id = _select(_l("Oberziel"))
    weight = _int(_l("Gewicht"), InputRequired(INVALID_NUMBER), NumberRange(1, 100), default=1)
    status = _select(_l("Status"), coerce=str, choices=STATUS_CHOICES, default=MilestoneStatus.PLANNED.value)
    progress = _int(_l("Fortschritt in Prozent"), Optional(), NumberRange(0, 100), default=0)
    progress_method = TextAreaField(_l("So wird der Fortschritt gemessen"))
    start_date = _date(_l("Startdatum"))
    original_target_date = _date(_l("Ursprüngliches Zieldatum"))
    target_date = _date(_l("Zieldatum"))
    completed_on = _date(_l("Abgeschlossen am"))
    replanning_reason = TextAreaField(_l("Grund der Neuplanung"))
    department_id = _select(_l("Verantwortliche Organisationseinheit"))
    participating_department_ids = CheckboxesField(_l("Beteiligte Organisationseinheiten"))
    contact_role = StringField(_l("Ansprechfunktion"), [Length(max=200)])
    champion_ids = CheckboxesField(_l("Helden der Digitalisierung"))
    planned = MoneyField(_l("Geplant (Euro)"))
    committed = MoneyField(_l("Gebunden (Euro)"))
    spent = MoneyField(_l("Ausgegeben (Euro)"))
    budget_year = _int(_l("Haushaltsjahr"), Optional(), NumberRange(2000, 2100))
    fundings = FieldList(FormField(FundingRowForm), min_entries=BLANK_ROWS)
    published = BooleanField(_l("Veröffentlicht"))
    preview = SubmitField(_l("Vorschau"))
    submit = SubmitField(_l("Speichern"))

    # The saved target date: moving it is a re-planning that needs a reason.
    current_target_date = None

    def validate_replanning_reason(self, field):
        if is_replanning(self.current_target_date, self.target_date.data) and not (field.data or "").strip():
            raise ValidationError(REASON_REQUIRED)

    @classmethod
    def for_milestone(cls, user: User, milestone: Milestone | None) -> MilestoneForm:
        """The form filled from the milestone (or the request), with the user's choices."""
        data = {}
        if milestone is not None:
            data = dict(
                participating_department_ids=[d.id for d in milestone.participating_departments],
                champion_ids=[c.id for c in milestone.champions],
                fundings=[{"source_id": f.source_id, "amount": f.amount} for f in milestone.fundings],
            )
        form = cls(obj=milestone, **data)
        form.current_target_date = milestone.target_date if milestone is not None else None
        if not form.is_submitted():
            for _ in range(BLANK_ROWS if milestone is not None and milestone.fundings else 0):
                form.fundings.append_entry()
        form.field_id.choices = [("", _l("– bitte wählen –"))] + queries.named_choices(Field, (Field.position, Field.name))
        form.parent_id.choices = [("", _l("– kein Oberziel –"))] + queries.milestone_choices(exclude=milestone)
        departments = editable_departments(user)
        if milestone is not None and milestone.department is not None and milestone.department not in departments:
            departments = [milestone.department, *departments]
        none_choice = [("", _l("– keine –"))] if user.has_role(Role.ADMIN) else []
        form.department_id.choices = none_choice + [(d.id, d.name) for d in departments]
        form.participating_department_ids.choices = queries.named_choices(Department)
        form.champion_ids.choices = queries.named_choices(Champion)
        sources = [("", _l("– keine –"))] + queries.named_choices(
            FundingSource, (FundingSource.is_grant, FundingSource.name))
        for entry in form.fundings:
            entry.source_id.choices = sources
        return form

    def to_data(self) -> MilestoneData:
        return MilestoneData(
            **self.texts(
                "title", "summary", "description", "easy_summary", "title_en", "summary_en", "description_en",
                "contact_role_en", "progress_method", "replanning_reason", "contact_role",
            ),
            slug=(self.slug.data or "").strip(),
            field_id=self.field_id.data,
            parent_id=self.parent_id.data,
            weight=self.weight.data or 1,
            status=self.status.data,
            progress=self.progress.data or 0,
            start_date=self.start_date.data,
            original_target_date=self.original_target_date.data,
            target_date=self.target_date.data,
            completed_on=self.completed_on.data,
            department_id=self.department_id.data,
            participating_department_ids=list(self.participating_department_ids.data or []),
            champion_ids=list(self.champion_ids.data or []),
            planned=self.planned.data or Decimal("0"),
            committed=self.committed.data or Decimal("0"),
            spent=self.spent.data or Decimal("0"),
            budget_year=self.budget_year.data,
            fundings=[
                FundingRow(source_id=e.source_id.data, amount=e.amount.data)
                for e in self.fundings
                if e.source_id.data is not None and e.amount.data is not None
            ],
            published=bool(self.published.data),
        )


class ProgressUpdateTextForm(BackendForm):
    """What an update says: editable also after publication."""

    title = StringField(_l("Titel der Meldung"), [DataRequired(_l("Bitte geben Sie einen Titel ein.")), Length(max=200)])
    body = TextAreaField(_l("Text (Markdown)"))
    title_en = StringField(_l("Titel der Meldung (englisch, freiwillig)"), [Length(max=200)])
    body_en = TextAreaField(_l("Text (englisch, Markdown, freiwillig)"))
    reported_on = _date(_l("Datum der Meldung"), DataRequired(INVALID_DATE), default=today)
    author_role = StringField(
        _l("Ihre Funktion (wird öffentlich angezeigt)"),
        [DataRequired(_l("Bitte geben Sie Ihre Funktion an, zum Beispiel „Leitung Bürgerservice“.")), Length(max=200)],
    )
    published = BooleanField(_l("Veröffentlicht"), default=True)
    preview = SubmitField(_l("Vorschau"))
    submit = SubmitField(_l("Speichern"))

    def to_data(self) -> ProgressData:
        return ProgressData(
            **self.texts("title", "body", "title_en", "body_en", "author_role"),
            reported_on=self.reported_on.data,
            published=bool(self.published.data),
        )


class ProgressUpdateForm(ProgressUpdateTextForm):
    """A new progress update, which may also change status, percent and target date."""

    new_status = _select(_l("Neuer Status"), coerce=optional_str,
                         choices=[SelectChoice("", _l("– unverändert –")), *STATUS_CHOICES])
    new_progress = _int(_l("Neuer Fortschritt in Prozent"), Optional(), NumberRange(0, 100))
    new_target_date = _date(_l("Neues Zieldatum"))
    reason = TextAreaField(_l("Grund der Neuplanung"))

    current_target_date = None

    def validate_reason(self, field):
        new = self.new_target_date.data
        if new is not None and is_replanning(self.current_target_date, new) and not (field.data or "").strip():
            raise ValidationError(REASON_REQUIRED)

    def to_data(self) -> ProgressData:
        data = super().to_data()
        data.new_status = self.new_status.data
        data.new_progress = self.new_progress.data
        data.new_target_date = self.new_target_date.data
        data.reason = self.reason.data or ""
        return data


class MilestoneFilterForm(PlainForm):
    """The backend list's GET filters (no CSRF: they change nothing)."""

    q = StringField(_l("Suche"), [Optional(), Length(max=200)])
    field = _select(_l("Handlungsfeld"))
    department = _select(_l("Organisationseinheit"))
    status = _select(_l("Status"), coerce=optional_str, choices=[SelectChoice("", _l("alle")), *STATUS_CHOICES])
    published = _select(_l("Sichtbarkeit"), coerce=optional_str, choices=[
        SelectChoice("", _l("alle")), SelectChoice("ja", _l("veröffentlicht")), SelectChoice("nein", _l("Entwurf")),
    ])

    def fill_choices(self, user: User) -> None:
        self.field.choices = [("", _l("alle"))] + queries.named_choices(Field, (Field.position, Field.name))
        self.department.choices = [("", _l("alle"))] + [(d.id, d.name) for d in editable_departments(user)]

    def filters(self) -> queries.MilestoneFilter:
        """The valid filters; an invalid value is dropped (the template says so)."""
        ok = {f.name for f in self if not f.errors}
        published = self.published.data if "published" in ok else None
        return queries.MilestoneFilter(
            q=(self.q.data or "").strip() if "q" in ok else "",
            field_id=self.field.data if "field" in ok else None,
            department_id=self.department.data if "department" in ok else None,
            status=self.status.data if "status" in ok else None,
            published=None if published is None else published == "ja",
        )


class AuditFilterForm(PlainForm):
    """The audit log's GET filters."""

    actor = _select(_l("Person"))
    object_type = _select(_l("Art des Eintrags"), coerce=optional_str)
    date_from = _date(_l("von (Datum)"))
    date_to = _date(_l("bis (Datum)"))

    def fill_choices(self, object_type_label) -> None:
        self.actor.choices = [("", _l("alle"))] + queries.audit_actors()
        self.object_type.choices = [("", _l("alle"))] + [
            (t, object_type_label(t)) for t in queries.audit_object_types()
        ]

    def filters(self) -> queries.AuditFilter:
        return queries.AuditFilter(
            **self.valid_data(actor_id="actor", object_type="object_type", date_from="date_from", date_to="date_to")
        )
