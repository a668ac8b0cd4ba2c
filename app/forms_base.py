"""What every form shares: single-line fields without control characters, and a refusal of form
data that is not UTF-8.

Every form of the app derives from InputForm (Flask-WTF, with CSRF) or PlainForm (plain WTForms:
query-string filters, sub-forms); a test walks all form classes to keep it so.
"""
from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import unquote_to_bytes

from flask import Flask, has_request_context, request
from flask import Request as FlaskRequest
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, HiddenField, PasswordField, StringField, TextAreaField

ENCODING_TEXT = _l(
    "Das Formular enthielt Zeichen, die nicht gelesen werden konnten (keine gültige UTF-8-Kodierung). "
    "Bitte prüfen Sie Ihre Eingaben und senden Sie das Formular noch einmal."
)

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
