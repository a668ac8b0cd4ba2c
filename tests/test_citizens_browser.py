"""The citizen's journey in a real browser, with mail through a local SMTP server.

From the milestone page through the header's "Anmelden" and the login page's "Registrieren":
register → confirm with the link from the captured mail → sign in → the header's name leads to
the profile → comment → support the milestone → reply → rate a comment → flag one → "Per
E-Mail folgen" (double opt-in from the mail) → download my data → an editor sees the comment
as unanswered, follows its permalink and answers → the citizen deletes the account and the
thread stays readable. Zero axe violations (1280 and
320 px) and no vnu error on every page on the way.
"""
from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import Role, utcnow
from tests import conftest
from tests.builders import make_department, make_milestone
from tests.builders.auth import PASSWORD, make_account
from tests.builders.comments import make_comment
from tests.helpers.live import running_live_server
from tests.helpers.quality import follow
from tests.plugins.auth import sign_in_browser, sign_out_browser
from tests.plugins.smtp import local_smtp  # noqa: F401  (fixture)

if "tests.plugins" not in getattr(conftest, "pytest_plugins", ()):
    from tests.plugins.browser import assert_accessible, assert_valid_html, browser, page  # noqa: F401

pytestmark = pytest.mark.browser

EMAIL = "erika@example.org"


@pytest.fixture
def journey_site(tmp_path, local_smtp):  # noqa: F811
    with running_live_server(tmp_path, **local_smtp.config) as server:
        with server.app.app_context():
            department = make_department(name="Bürgeramt")
            milestone = make_milestone(title="Online-Bürgerkonto", slug="buergerkonto", department=department)
            bob = make_account("bob@example.org", display_name="Bob Bürger", email_confirmed_at=utcnow())
            editor = make_account("redaktion@example.org", roles=(Role.EDITOR,), display_name="Rita Redaktion",
                                  email_confirmed_at=utcnow())
            editor.departments = [department]
            bobs = make_comment(milestone, bob, "Endlich keine Warteschlange mehr im Bürgeramt.")
            db.session.commit()
            ids = {"milestone": milestone.slug, "bobs": bobs.id}
        yield server, local_smtp, ids
        exceptions = list(server.exceptions)
    if exceptions:
        pytest.fail("the live server raised:\n\n" + "\n".join(exceptions), pytrace=False)


class Checker:
    """axe at 1280 and 320 px on each page; the documents kept for one vnu run at the end."""

    def __init__(self, page, assert_accessible):
        self.page = page
        self.assert_accessible = assert_accessible
        self.documents: dict[str, str] = {}

    def __call__(self, name: str) -> None:
        assert self.page.locator("h1").count() == 1, f"{name}: {self.page.url}"
        self.documents[name] = self.page.content()
        self.assert_accessible(self.page)


def mailed_path(smtp, prefix: str, timeout: float = 10.0) -> str:
    """The path of the newest link starting with `prefix` in the mails received so far."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for body in reversed(smtp.bodies()):
            match = re.search(r"https?://[^/\s]+(" + re.escape(prefix) + r"[A-Za-z0-9_.\-]+)", body)
            if match:
                return match.group(1)
        time.sleep(0.05)
    raise AssertionError(f"no mail with a link {prefix}...")


def test_citizen_journey(journey_site, page, assert_accessible, assert_valid_html):  # noqa: F811
    server, smtp, ids = journey_site
    check = Checker(page, assert_accessible)
    milestone_path = f"/etappenziele/{ids['milestone']}"
    bobs = page.locator(f"#kommentar-{ids['bobs']}")

    # The way in: header → login page → "Registrieren". Reading set no cookie.
    page.goto(server.absolute(milestone_path))
    check("milestone-anonymous")
    assert page.context.cookies() == []
    follow(page.locator("header").get_by_role("link", name="Anmelden"))
    check("login")
    follow(page.locator("main").get_by_role("link", name="Registrieren"))
    assert page.url.endswith("/konto/registrieren")
    # Register, with one mistake first: the input stays.
    check("register")
    page.fill("#display_name", "Erika Muster")
    page.fill("#email", EMAIL)
    page.fill("#password", "zu kurz")
    page.fill("#confirm", "zu kurz")
    follow(page.locator("main button[type=submit]").first)
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.input_value("#email") == EMAIL
    check("register-error")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    follow(page.locator("main button[type=submit]").first)
    assert page.url.endswith("/konto/registrieren/gesendet")
    check("register-sent")

    # Confirm with the link from the mail: the page shows a button; the button confirms.
    page.goto(server.absolute(mailed_path(smtp, "/konto/bestaetigen/")))
    check("confirm")
    follow(page.get_by_role("button", name="E-Mail-Adresse bestätigen"))
    assert page.url.endswith("/konto/anmelden")
    expect(page.get_by_text("Ihre E-Mail-Adresse ist bestätigt.")).to_be_visible()
    check("login-after-confirm")

    sign_in_browser(page, server, EMAIL)
    follow(page.locator("header").get_by_role("link", name="Erika Muster"))
    assert page.url.endswith("/konto/profil")
    check("profile")
    page.fill("#display_name", "Erika M.")
    page.uncheck("#notify_moderation")
    follow(page.locator("main form[action$='/konto/profil'] button[type=submit]").first)
    expect(page.get_by_text("Ihre Angaben sind gespeichert.")).to_be_visible()
    assert not page.is_checked("#notify_moderation")
    check("profile-saved")

    # Comment, support, reply, rate, flag.
    page.goto(server.absolute(milestone_path))
    page.fill(".comment-form textarea", "Wann kann ich den Personalausweis online beantragen?")
    follow(page.get_by_role("button", name="Kommentar veröffentlichen"))
    expect(page.get_by_text("Ihr Beitrag ist veröffentlicht.")).to_be_visible()
    check("milestone-commented")
    follow(page.get_by_role("button", name="Ist mir wichtig"))
    expect(page.get_by_text("1 Person ist dieses Etappenziel wichtig.")).to_be_visible()
    check("milestone-supported")
    follow(bobs.get_by_role("link", name="Antworten"))
    check("reply-form")
    page.fill("main textarea", "Das sehe ich genauso.")
    follow(page.get_by_role("button", name="Antwort veröffentlichen"))
    check("milestone-replied")
    follow(bobs.get_by_role("button", name="Hilfreich", exact=True))
    expect(bobs.get_by_text("Hilfreich: 1")).to_be_visible()
    check("milestone-rated")
    follow(bobs.get_by_role("link", name="Melden"))
    check("flag-form")
    page.get_by_label("Gehört nicht zum Thema").check()
    follow(page.get_by_role("button", name="Meldung senden"))
    expect(page.get_by_text("Danke für Ihre Meldung.")).to_be_visible()
    check("milestone-flagged")

    # Subscribe from the milestone page (the address is filled in), confirm from the mail,
    # see the unsubscribe page.
    follow(page.get_by_role("link", name="Per E-Mail folgen"))
    assert page.url.endswith(f"/abonnieren?etappenziel={ids['milestone']}")
    check("subscribe")
    assert page.input_value("#email") == EMAIL
    follow(page.get_by_role("button", name="Abonnieren"))
    check("subscribe-sent")
    page.goto(server.absolute(mailed_path(smtp, "/abonnieren/bestaetigen/")))
    check("subscription-confirm")
    follow(page.get_by_role("button", name="Abonnement bestätigen"))
    expect(page.get_by_role("heading", name="Abonnement bestätigt")).to_be_visible()
    check("subscription-confirmed")
    follow(page.get_by_role("link", name="Abonnement beenden"))
    check("unsubscribe")

    # Download my data.
    page.goto(server.absolute("/konto/meine-daten"))
    check("my-data")
    with page.expect_download() as download:
        page.get_by_role("button", name="Datei herunterladen").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["account"]["display_name"] == "Erika M."
    assert len(data["comments"]) == 2 and len(data["support_votes"]) == 1
    assert len(data["ratings"]) == 1 and len(data["flags"]) == 1 and len(data["subscriptions"]) == 1
    sign_out_browser(page)

    # The editor sees the question as unanswered, follows its permalink and answers it.
    sign_in_browser(page, server, "redaktion@example.org")
    page.goto(server.absolute("/verwaltung/unbeantwortet"))
    question = page.locator("tbody tr", has_text="Wann kann ich den Personalausweis online beantragen?")
    expect(question).to_be_visible()
    check("unanswered")
    follow(question.get_by_role("link", name="Online-Bürgerkonto"))
    assert re.search(r"/etappenziele/buergerkonto#kommentar-\d+$", page.url), page.url
    erikas = page.locator("article.comment", has_text="Personalausweis")
    follow(erikas.get_by_role("link", name="Offiziell antworten"))
    check("official-answer-form")
    page.fill("main textarea", "Ab dem Frühjahr.")
    follow(page.get_by_role("button", name="Antwort veröffentlichen"))
    expect(page.get_by_text("Antwort der Verwaltung").first).to_be_visible()
    check("milestone-answered")
    sign_out_browser(page)

    # Erika deletes her account; the thread stays readable.
    sign_in_browser(page, server, EMAIL)
    page.goto(server.absolute("/konto/loeschen"))
    check("delete")
    page.fill("#password", PASSWORD)
    follow(page.get_by_role("button", name="Konto endgültig löschen"))
    assert page.url.endswith("/konto/geloescht")
    check("deleted")
    page.goto(server.absolute(milestone_path))
    expect(page.get_by_text("Gelöschtes Konto").first).to_be_visible()
    expect(page.get_by_text("Wann kann ich den Personalausweis online beantragen?")).to_be_visible()
    expect(page.get_by_text("Bisher hat noch niemand angegeben")).to_be_visible()
    check("milestone-after-deletion")

    page.goto(server.absolute("/en/konto/registrieren"))
    check("register-en")
    assert_valid_html(check.documents)
