"""Forms of the moderation backend, the appeal and their conversion into service arguments."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms_base import INVALID_CHOICE, INVALID_DATE, INVALID_NUMBER, BackendForm, PlainForm, optional_int, optional_str
from app.moderation import blocks as blocking
from app.moderation import labels, queries
from app.moderation.decisions import DECISIONS
from app.moderation.errors import MAX_REASON_LENGTH
from app.models import FlagReason, ModerationAction, ReasonTemplate
from app.routing import MAX_ID

REASON_LENGTH = Length(max=MAX_REASON_LENGTH, message=_l("Höchstens %(max)d Zeichen."))


def _select(label, *validators, coerce=optional_int, **kw) -> SelectField:
    return SelectField(label, list(validators), coerce=coerce, invalid_value_message=INVALID_CHOICE,
                       validate_choice=True, **kw)


def choices(pairs) -> list[SelectChoice]:
    """SelectChoice objects from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def template_choices(templates: list[ReasonTemplate]) -> list[SelectChoice]:
    return choices([("", _l("– keine Vorlage –"))] + [(t.id, t.title) for t in templates])


class DecisionForm(BackendForm):
    """One decision on one comment; the buttons send the action."""

    action = StringField(_l("Entscheidung"), [DataRequired(_l("Bitte wählen Sie eine Entscheidung."))])
    version = IntegerField(_l("Version"), [Optional()], invalid_value_message=INVALID_NUMBER)
    template_id = _select(_l("Begründung aus Vorlage"))
    reason = TextAreaField(_l("Begründung (erscheint öffentlich und in der Mitteilung an die Person)"), [REASON_LENGTH])
    next = HiddenField()

    def fill_choices(self, templates: list[ReasonTemplate]) -> None:
        self.template_id.choices = template_choices(templates)


BULK_ACTIONS = [a for a in DECISIONS]


class BulkForm(BackendForm):
    """The same decision on every selected queue item (checkboxes name="comment_ids")."""

    bulk_action = _select(
        _l("Aktion für die Auswahl"), DataRequired(_l("Bitte wählen Sie eine Aktion.")), coerce=optional_str,
        choices=choices([("", _l("– bitte wählen –"))] + [(a.value, labels.BUTTON_LABELS[a]) for a in BULK_ACTIONS]),
    )
    bulk_template_id = _select(_l("Begründung aus Vorlage"))
    bulk_reason = TextAreaField(_l("Begründung"), [REASON_LENGTH], render_kw={"rows": 1})
    next = HiddenField()
    submit = SubmitField(_l("Auf Auswahl anwenden"))

    def fill_choices(self, templates: list[ReasonTemplate]) -> None:
        self.bulk_template_id.choices = template_choices(templates)


class InvalidSelection(ValueError):
    """A selected comment id or its version is not a number the queue could have sent."""


def _number(raw: str) -> int | None:
    """ASCII digits within the database's integer range ("²".isdigit() is true, too), else None."""
    raw = raw.strip()
    if raw.isascii() and raw.isdigit():
        number = int(raw)
        if number <= MAX_ID:
            return number
    return None


def _selected_raw(formdata: MultiDict) -> list[str]:
    """The checked items; with "select all" (select_all=1) every item the page showed (shown_ids)."""
    raw = formdata.getlist("comment_ids")
    if formdata.get("select_all"):
        raw = raw + [r for r in formdata.getlist("shown_ids") if r not in raw]
    return raw


def selection(formdata: MultiDict) -> dict[int, int | None]:
    """The selected comment ids with the version each showed (hidden field version-<id>).
    Raises InvalidSelection for an id or a version that is not such a number."""
    chosen: dict[int, int | None] = {}
    for raw in _selected_raw(formdata):
        comment_id = _number(raw)
        if comment_id is None:
            raise InvalidSelection(raw)
        raw_version = formdata.get(f"version-{raw}", "")
        version = _number(raw_version) if raw_version.strip() else None
        if raw_version.strip() and version is None:
            raise InvalidSelection(raw_version)
        chosen[comment_id] = version
    return chosen


def selected_ids(formdata: MultiDict) -> set[int]:
    """The valid comment ids of a sent selection, to show them checked again."""
    return {n for n in (_number(raw) for raw in _selected_raw(formdata)) if n is not None}


class RedactForm(BackendForm):
    version = IntegerField(_l("Version"), [Optional()], invalid_value_message=INVALID_NUMBER)
    passages = TextAreaField(
        _l("Zu entfernende Textstellen (eine pro Zeile, genau wie im Kommentar)"),
        [DataRequired(_l("Bitte geben Sie mindestens eine Textstelle an, die entfernt werden soll."))],
    )
    reason = StringField(_l("Begründung"), [REASON_LENGTH])
    submit = SubmitField(_l("Textstellen entfernen"))

    def passage_list(self) -> list[str]:
        return (self.passages.data or "").splitlines()


PERIOD_CHOICES = choices([
    ("7", _l("7 Tage")), ("30", _l("30 Tage")), ("90", _l("90 Tage")), ("365", _l("ein Jahr")),
    ("forever", _l("dauerhaft")),
])


class BlockForm(BackendForm):
    # No "required": the list has no empty entry, and an unknown value fails the choice check.
    period = _select(_l("Dauer der Sperre"), coerce=optional_str, choices=PERIOD_CHOICES, default="30")
    reason = TextAreaField(_l("Grund (wird der Person mitgeteilt)"),
                           [DataRequired(_l("Bitte geben Sie einen Grund für die Sperre an.")), REASON_LENGTH])
    # Asked only while the account has pending comments; the service insists then.
    pending = RadioField(_l("Wartende Kommentare dieses Kontos"), [Optional()], choices=choices([
        (blocking.REJECT, _l("ablehnen")), (blocking.KEEP, _l("in der Warteschlange lassen und einzeln entscheiden")),
    ]), validate_choice=True)
    submit = SubmitField(_l("Konto sperren"))


class AnswerForm(BackendForm):
    body = TextAreaField(_l("Antwort der Verwaltung"), [DataRequired(_l("Bitte schreiben Sie eine Antwort."))])
    submit = SubmitField(_l("Antwort veröffentlichen"))


class AppealForm(BackendForm):
    text = TextAreaField(_l("Warum sollte die Moderation noch einmal prüfen? (freiwillig)"), [REASON_LENGTH])
    submit = SubmitField(_l("Einspruch einlegen"))


class ConfirmForm(BackendForm):
    """A button with a CSRF token (delete, lift a block); templates send confirm=1 beside it."""

    confirm = HiddenField(validators=[DataRequired()])


class ReasonTemplateForm(BackendForm):
    title = StringField(_l("Titel (erscheint öffentlich als Grund)"),
                        [DataRequired(_l("Bitte geben Sie einen Titel ein.")), Length(max=100)])
    text_de = TextAreaField(_l("Erläuterung auf Deutsch (für die Mitteilung an die Person)"),
                            [DataRequired(_l("Bitte geben Sie eine Erläuterung ein.")), Length(max=MAX_REASON_LENGTH)])
    text_en = TextAreaField(_l("Erläuterung auf Englisch (freiwillig)"), [Length(max=MAX_REASON_LENGTH)])
    position = IntegerField(_l("Reihenfolge"), [Optional(), NumberRange(0, 10000)], default=0,
                            invalid_value_message=INVALID_NUMBER)
    submit = SubmitField(_l("Speichern"))


class HoldPatternForm(BackendForm):
    pattern = StringField(_l("Wort oder Muster"), [DataRequired(_l("Bitte geben Sie ein Wort oder ein Muster ein.")),
                                                  Length(max=200)])
    is_regex = BooleanField(_l("Als regulären Ausdruck behandeln"))
    submit = SubmitField(_l("Hinzufügen"))


MODE_CHOICES = choices([("", _l("wie die Einstellung der Website")), ("pre", labels.MODE_LABELS["pre"]),
                        ("post", labels.MODE_LABELS["post"])])


class MilestoneModeForm(BackendForm):
    milestone_id = _select(_l("Etappenziel"), DataRequired(_l("Bitte wählen Sie ein Etappenziel.")))
    mode = _select(_l("Moderation"), coerce=optional_str, choices=MODE_CHOICES)
    submit = SubmitField(_l("Speichern"))


# GET filters --------------------------------------------------------------------------

KIND_CHOICES = choices([("", _l("alle"))] + [(k, labels.KIND_LABELS[k]) for k in queries.QUEUE_KINDS])
REASON_CHOICES = choices([("", _l("alle"))] + [(r.value, labels.FLAG_REASON_LABELS[r]) for r in FlagReason])


class QueueFilterForm(PlainForm):
    """The queue's GET filters; invalid values are ignored with a notice."""

    kind = _select(_l("Art"), coerce=optional_str, choices=KIND_CHOICES)
    field = _select(_l("Handlungsfeld"))
    milestone = _select(_l("Etappenziel"))
    reason = _select(_l("Grund der Meldung"), coerce=optional_str, choices=REASON_CHOICES)

    def fill_choices(self) -> None:
        fields, milestones = queries.filter_choices()
        self.field.choices = choices([("", _l("alle"))] + [(f.id, f.name) for f in fields])
        self.milestone.choices = choices([("", _l("alle"))] + [(m.id, m.title) for m in milestones])

    def filters(self) -> queries.QueueFilter:
        return queries.QueueFilter(
            **self.valid_data(kind="kind", field_id="field", milestone_id="milestone", reason="reason")
        )


ACTION_CHOICES = choices([("", _l("alle"))] + [(a.value, labels.ACTION_LABELS[a]) for a in ModerationAction])


class LogFilterForm(PlainForm):
    moderator = _select(_l("Moderation"))
    action = _select(_l("Aktion"), coerce=optional_str, choices=ACTION_CHOICES)
    date_from = DateField(_l("von (Datum)"), [Optional()], invalid_value_message=INVALID_DATE)
    date_to = DateField(_l("bis (Datum)"), [Optional()], invalid_value_message=INVALID_DATE)

    def fill_choices(self) -> None:
        self.moderator.choices = choices([("", _l("alle"))] + queries.log_moderators())

    def forget_invalid(self) -> None:
        """Show invalid values as empty fields (a date input cannot hold "gestern")."""
        for f in self:
            if f.errors:
                f.raw_data = []
                f.data = None

    def filters(self) -> queries.LogFilter:
        return queries.LogFilter(
            **self.valid_data(moderator_id="moderator", action="action", date_from="date_from", date_to="date_to")
        )
