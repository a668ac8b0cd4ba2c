"""What every form shares: single-line fields without control characters, a refusal of form
data that is not UTF-8, and the staff forms' base with its error summary.

Every form of the app derives from InputForm (Flask-WTF, with CSRF) or PlainForm (plain WTForms:
query-string filters, sub-forms); a test walks all form classes to keep it so. Services raise
ValidationFailed; a BackendForm shows its errors next to the fields.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cached_property
from urllib.parse import unquote_to_bytes

from flask import Flask, has_request_context, request
from flask import Request as FlaskRequest
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, HiddenField, PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput

from app.csrf_rerun import csrf_refused
from app.extensions import db

ENCODING_TEXT = _l(
    "Das Formular enthielt Zeichen, die nicht gelesen werden konnten (keine gültige UTF-8-Kodierung). "
    "Bitte prüfen Sie Ihre Eingaben und senden Sie das Formular noch einmal."
)

INVALID_DATE = _l("Bitte geben Sie ein gültiges Datum ein.")
INVALID_NUMBER = _l("Bitte geben Sie eine ganze Zahl ein.")
INVALID_CHOICE = _l("Bitte wählen Sie einen Eintrag aus der Liste.")

# Line breaks and tabs in a single-line field become a space; other control characters go.
_BREAKS = re.compile(r"[\t\n\v\f\r\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_UTF8 = frozenset({"utf-8", "utf8"})


def single_line(value):
    """A field filter: one line, no control characters (a title with CR/LF breaks mails, CSV, feeds)."""
    if not isinstance(value, str):
        return value
    return _CONTROLS.sub("", _BREAKS.sub(" ", value))


def _is_single_line(field_class) -> bool:
    # Passwords are left exactly as typed: a filter must never change a secret. Hidden fields
    # (tokens, `next`) are checked as sent: "/\t/evil.example" must be refused, not become
    # a harmless-looking "/ /evil.example".
    return issubclass(field_class, StringField) and not issubclass(
        field_class, (TextAreaField, PasswordField, HiddenField)
    )


class _SingleLineMeta:
    def bind_field(self, form, unbound_field, options):
        if _is_single_line(unbound_field.field_class):
            filters = tuple(options.get("filters", unbound_field.kwargs.get("filters", ())))
            if single_line not in filters:
                options = {**options, "filters": (single_line, *filters)}
        return unbound_field.bind(form=form, **options)


class InputForm(FlaskForm):
    """Base of every form that changes something: single-line fields cleaned, bad encoding refused."""

    class Meta(_SingleLineMeta):
        pass

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if has_request_context() and self.is_submitted() and getattr(request, "form_encoding_problem", False):
            self.form_errors.append(str(ENCODING_TEXT))
            valid = False
        return valid


class PlainForm(Form):
    """Base of forms without CSRF (query-string filters, rows of a FieldList): single-line fields cleaned."""

    class Meta(_SingleLineMeta):
        pass

    def valid_data(self, **names: str) -> dict[str, object]:
        """For each key, the data of the field it names, or None when that field did not validate
        (an invalid filter value is dropped; the template says so)."""
        ok = {f.name for f in self if not f.errors}
        return {key: self[name].data if name in ok else None for key, name in names.items()}


class ValidationFailed(Exception):
    """Input that breaks a rule; `errors` maps form field names to messages."""

    def __init__(self, errors: dict[str, object]):
        super().__init__(errors)
        self.errors = errors


class BackendForm(InputForm):
    """A form that lists its errors for the summary at the top and takes service errors.

    After a refused CSRF check it never validates, so nothing is saved.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return valid and not csrf_refused()

    def texts(self, *names: str) -> dict[str, str]:
        """The named fields' text, "" for an empty one (the services' data take text, never None)."""
        return {name: self[name].data or "" for name in names}

    def error_items(self) -> list[tuple[str, str]]:
        """(field id, message) for every error, in the order of the fields."""
        return list(_errors(self))

    @property
    def csrf_failed(self) -> bool:
        token = getattr(self, "csrf_token", None)
        return csrf_refused() or bool(token is not None and token.errors)

    def add_errors(self, errors: dict[str, object]) -> None:
        for name, message in errors.items():
            target = self[name]
            if isinstance(target, FieldList):
                target = next(iter(target.entries[0])) if target.entries else None
            if target is not None:
                target.errors = [*target.errors, message]

    def save(self, service: Callable[[], object]) -> tuple[bool, object]:
        """Valid input goes to the service and is committed once: (True, what it returned). A
        ValidationFailed rolls back and puts its messages next to the fields: (False, None).
        Other refusals of the service are the caller's to catch."""
        if not self.validate():
            return False, None
        try:
            result = service()
            db.session.commit()
        except ValidationFailed as error:
            db.session.rollback()
            self.add_errors(error.errors)
            return False, None
        return True, result

    def wants_preview(self) -> bool:
        preview = getattr(self, "preview", None)
        return bool(preview is not None and preview.data)


def _errors(form) -> Iterator[tuple[str, str]]:
    for field in form:
        if field.type == "CSRFTokenField":
            continue
        if isinstance(field, FieldList):
            # Errors of the list as a whole (e.g. a year twice) point at its first row.
            first_id = next(iter(field.entries[0])).id if field.entries else field.id
            for message in field.errors:
                # The list also holds each row's errors (as dicts); those follow below.
                if not isinstance(message, (dict, list, tuple)):
                    yield first_id, message
            for index, entry in enumerate(field.entries, start=1):
                for sub in entry:
                    for message in sub.errors:
                        yield sub.id, _l("%(label)s, Zeile %(row)d: %(message)s",
                                         label=sub.label.text, row=index, message=message)
        else:
            for message in field.errors:
                yield field.id, _l("%(label)s: %(message)s", label=field.label.text, message=message)


class CheckboxesField(SelectMultipleField):
    """Several choices as a group of checkboxes (rendered as a fieldset by the template)."""

    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


def optional_int(value) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def optional_str(value) -> str | None:
    return value or None


class Request(FlaskRequest):
    """Keeps the raw body of URL-encoded forms, so that bytes that are not UTF-8 can be told apart
    from text that merely looks like "%FF" (Werkzeug leaves undecodable bytes percent-encoded and
    drops a body with raw non-ASCII bytes)."""

    def _load_form_data(self) -> None:
        if "form" not in self.__dict__ and self.mimetype == "application/x-www-form-urlencoded":
            self.get_data(cache=True, parse_form_data=False)
        super()._load_form_data()

    @cached_property
    def form_encoding_problem(self) -> bool:
        """The form data declares another charset than UTF-8, or is not valid UTF-8."""
        if self.method not in ("POST", "PUT", "PATCH"):
            return False
        charset = self.mimetype_params.get("charset")
        if charset and charset.strip().lower() not in _UTF8:
            return True
        if self.mimetype == "application/x-www-form-urlencoded":
            self.form  # noqa: B018 - parses, keeping the raw body
            return not _valid_urlencoded(self.get_data(cache=True))
        if self.mimetype == "multipart/form-data":
            # Werkzeug decodes multipart text with errors="replace".
            return any("\ufffd" in value for values in self.form.listvalues() for value in values)
        return False


def _valid_urlencoded(raw: bytes) -> bool:
    try:
        text = raw.decode("ascii")
        for pair in text.split("&"):
            unquote_to_bytes(pair.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def init_app(app: Flask) -> None:
    app.request_class = Request
