"""The quality bar on the public account and subscription pages, in German and English.

Over real HTTP: status and <html lang>, no cookie except on pages with a form (they need the
CSRF token), no vnu error (one vnu run), zero axe-core WCAG 2.1 A/AA violations at 1280 and
320 px, nothing refused by the Content-Security-Policy, one visible h1 without JavaScript,
German content marked lang="de" on English pages. The signed-in pages (profile, my data,
delete) are checked on the way of the browser journey in tests/test_citizens_browser.py.

To cover another page, add a Case to CASES; its data goes into `site` below.
"""
from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from app.auth.tokens import issue_token
from app.extensions import db
from app.models import Field, Milestone, TokenPurpose, utcnow
from app.subscriptions.services import unsubscribe_token
from tests import conftest
from tests.builders import make_citizen
from tests.builders.citizens import make_subscription
from tests.builders.quality import QualitySite, build_quality_site
from tests.helpers.a11y import assert_accessible
from tests.helpers.html import validate_documents
from tests.helpers.live import running_live_server
from tests.helpers.quality import assert_german_marked

if "tests.plugins" not in getattr(conftest, "pytest_plugins", ()):
    from tests.plugins.browser import browser, page, page_nojs, page_strict  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class Case:
    """A page: endpoint, URL arguments and query (attribute names of Data are resolved)."""

    name: str
    endpoint: str
    args: dict = field(default_factory=dict)
    query: dict = field(default_factory=dict)
    status: int = 200
    has_form: bool = False  # forms set the session cookie for their CSRF token


@dataclass(frozen=True)
class Data:
    quality: QualitySite
    confirm_token: str
    subscription_token: str
    unsubscribe_token: str
    gone_token: str

    def __getattr__(self, name):
        return getattr(self.quality, name)


CASES = [
    Case("register", "citizens.register", has_form=True),
    Case("register-sent", "citizens.registered"),
    Case("confirm", "citizens.confirm", {"token": "confirm_token"}, has_form=True),
    Case("confirm-invalid", "citizens.confirm", {"token": "gibt-es-nicht"}, status=404),
    Case("deleted", "citizens.deleted"),
    Case("subscribe-milestone", "subscriptions.subscribe", query={"etappenziel": "milestone_slug"}, has_form=True),
    Case("subscribe-field", "subscriptions.subscribe", query={"handlungsfeld": "field_slug"}, has_form=True),
    Case("subscribe-no-target", "subscriptions.subscribe", status=400),
    Case("subscribe-unknown", "subscriptions.subscribe", query={"etappenziel": "gibt-es-nicht"}, status=404),
    Case("subscribe-sent", "subscriptions.sent", query={"etappenziel": "milestone_slug"}),
    Case("subscription-confirm", "subscriptions.confirm", {"token": "subscription_token"}, has_form=True),
    Case("subscription-confirm-invalid", "subscriptions.confirm", {"token": "gibt-es-nicht"}, status=404),
    Case("unsubscribe", "subscriptions.unsubscribe", {"token": "unsubscribe_token"}),
    Case("unsubscribe-already", "subscriptions.unsubscribe", {"token": "gone_token"}),
    Case("unsubscribe-forged", "subscriptions.unsubscribe", {"token": "gefaelscht.xyz"}, status=400),
]
PARAMS = [pytest.param(case, lang, id=f"{case.name}-{lang}") for case in CASES for lang in LANGUAGES]


class Site:
    def __init__(self, server, data: Data):
        self.server = server
        self.data = data
        self.bodies: dict[str, tuple[int, dict, str]] = {}

    def url(self, case: Case, lang: str) -> str:
        values = {k: getattr(self.data, v, v) for k, v in {**case.args, **case.query}.items()}
        return self.server.url_for(case.endpoint, lang=lang, **values)

    def fetch(self, case: Case, lang: str) -> tuple[int, dict, str]:
        key = f"{case.name}-{lang}"
        if key not in self.bodies:
            try:
                with urllib.request.urlopen(self.url(case, lang), timeout=30) as response:
                    self.bodies[key] = (response.status, dict(response.headers), response.read().decode())
            except urllib.error.HTTPError as error:
                self.bodies[key] = (error.code, dict(error.headers), error.read().decode())
        return self.bodies[key]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with running_live_server(tmp_path_factory.mktemp("quality-citizens")) as server:
        with server.app.app_context():
            quality = build_quality_site()
            db.session.flush()
            milestone = db.session.scalar(db.select(Milestone).where(Milestone.slug == quality.milestone_slug))
            field_ = db.session.scalar(db.select(Field).where(Field.slug == quality.field_slug))
            citizen = make_citizen(confirmed=False, email="neu@example.org", display_name="Nora Neu")
            confirm = issue_token(TokenPurpose.CONFIRM_EMAIL, timedelta(hours=48), user=citizen,
                                  payload={"email": citizen.email})
            pending = make_subscription("offen@example.org", milestone=milestone, confirmed=False)
            subscription = issue_token(TokenPurpose.CONFIRM_SUBSCRIPTION, timedelta(hours=48),
                                       payload={"subscription_id": pending.id, "email": pending.email})
            following = make_subscription("leser@example.org", milestone=milestone, confirmed_at=utcnow())
            make_subscription("leser@example.org", field=field_, confirmed_at=utcnow())
            gone = make_subscription("weg@example.org", milestone=milestone)
            data = Data(quality, confirm, subscription, unsubscribe_token([following]), unsubscribe_token([gone]))
            db.session.delete(gone)
            db.session.commit()
        yield Site(server, data)
        exceptions = list(server.exceptions)
    if exceptions:
        pytest.fail("the live server raised:\n\n" + "\n".join(exceptions), pytrace=False)


@pytest.fixture(scope="module")
def vnu_reports(site):
    return validate_documents({
        f"{case.name}-{lang}": site.fetch(case, lang)[2] for case in CASES for lang in LANGUAGES
    })


def visit(page, site: Site, case: Case, lang: str) -> None:
    response = page.goto(site.url(case, lang), wait_until="load")
    assert response is not None and response.status == case.status, (
        f"{page.url}: {response.status if response else None}, expected {case.status}"
    )


@pytest.mark.parametrize(("case", "lang"), PARAMS)
def test_status_language_and_cookie(site, case, lang):
    status, headers, body = site.fetch(case, lang)
    assert status == case.status
    assert headers["Content-Type"].startswith("text/html")
    assert re.search(r"<html\b[^>]*\blang=\"([^\"]+)\"", body).group(1) == lang
    assert "no-store" in headers.get("Cache-Control", "")
    if not case.has_form:
        assert "Set-Cookie" not in headers, headers.get("Set-Cookie")


@pytest.mark.parametrize(("case", "lang"), PARAMS)
def test_valid_html(vnu_reports, case, lang):
    report = vnu_reports[f"{case.name}-{lang}"]
    assert report.valid, report.describe()


@pytest.mark.parametrize(("case", "lang"), PARAMS)
def test_accessible_at_1280_and_320_px(site, page, case, lang):
    visit(page, site, case, lang)
    assert_accessible(page)


@pytest.mark.parametrize(("case", "lang"), PARAMS)
def test_nothing_refused_by_the_content_security_policy(site, page_strict, case, lang):
    visit(page_strict, site, case, lang)
    errors = [e for e in page_strict.console_errors if f"status of {case.status}" not in e]
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize(("case", "lang"), PARAMS)
def test_one_visible_h1_without_javascript(site, page_nojs, case, lang):
    visit(page_nojs, site, case, lang)
    headings = page_nojs.locator("h1")
    assert headings.count() == 1 and headings.first.is_visible()


@pytest.mark.parametrize("case", [c for c in CASES if c.status == 200], ids=lambda c: c.name)
def test_german_content_is_marked_on_english_pages(site, page, case):
    visit(page, site, case, "en")
    assert_german_marked(page, site.data.german_content)
