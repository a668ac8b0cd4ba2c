"""Forms of the staff account pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.forms_base import BackendForm, CheckboxesField
from app.extensions import db
from app.forms_base import PlainForm
from app.models import Department, Role
from app.staff.services import ROLE_LABELS, ROLE_ORDER, AccountData, InviteData, UserFilter

ROLE_CHOICES = [SelectChoice(role.value, ROLE_LABELS[role]) for role in ROLE_ORDER]


class AccountForm(BackendForm):
    roles = CheckboxesField(_l("Rollen"), coerce=str, choices=ROLE_CHOICES)
    department_ids = CheckboxesField(_l("Organisationseinheiten"))
    submit = SubmitField(_l("Rollen und Organisationseinheiten speichern"))

    def fill_choices(self) -> None:
        self.department_ids.choices = [
            SelectChoice(d.id, d.name) for d in db.session.scalars(Department.select_ordered())
        ]

    def to_data(self) -> AccountData:
        return AccountData(roles={Role(r) for r in self.roles.data or []},
                           department_ids=list(self.department_ids.data or []))


class InviteForm(AccountForm):
    email = EmailField(_l("E-Mail-Adresse"), [DataRequired(_l("Bitte geben Sie eine E-Mail-Adresse ein.")),
                                              Length(max=254)],
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    display_name = StringField(_l("Name"), [Optional(), Length(max=100)], render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Einladung senden"))

    def to_data(self) -> InviteData:
        base = super().to_data()
        return InviteData(roles=base.roles, department_ids=base.department_ids,
                          email=self.email.data or "", display_name=self.display_name.data or "")


class ActionForm(BackendForm):
    """A button that changes something (deactivate, reset, ...): only the CSRF token."""


class UserFilterForm(PlainForm):
    """The list's GET filters (no CSRF: they change nothing)."""

    q = StringField(_l("Suche nach Name oder E-Mail-Adresse"), [Optional(), Length(max=200)])
    role = SelectField(_l("Rolle"), choices=[SelectChoice("", _l("alle Mitarbeitenden")), *ROLE_CHOICES])

    def filters(self) -> UserFilter:
        """The valid filters; an invalid value is dropped (the template says so)."""
        ok = {f.name for f in self if not f.errors}
        role = self.role.data if "role" in ok and self.role.data else None
        return UserFilter(q=(self.q.data or "").strip() if "q" in ok else "",
                          role=Role(role) if role else None)
