"""The portal on a phone (issue 13): the main menu folds away, tables show that they scroll.

Real chromium at phone widths, with and without JavaScript; desktop stays as it was.
"""
from __future__ import annotations

import pytest

from tests.builders.quality import build_quality_site
from tests.helpers.live import serving

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MAIN_LINKS = "nav.main-nav li a"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("phone"), build_quality_site) as server:
        yield server


@pytest.fixture(params=["js", "nojs"])
def any_page(request, page, page_nojs):
    """The test runs once with JavaScript and once without."""
    return page if request.param == "js" else page_nojs


def visible_main_links(page) -> list[str]:
    return [link.inner_text() for link in page.locator(MAIN_LINKS).all() if link.is_visible()]


def tab_until(page, predicate, limit: int = 40) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return True
    return False


def menu_button_state(page, name: str) -> bool | None:
    """aria-expanded of the disclosure button called `name`, as chromium tells screen readers
    (a <summary> is a "DisclosureTriangle": a button with an expanded state)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    states = [
        prop["value"]["value"]
        for node in nodes
        if node["role"]["value"] == "DisclosureTriangle" and node.get("name", {}).get("value") == name
        for prop in node.get("properties", []) if prop["name"] == "expanded"
    ]
    assert len(states) == 1, states
    return states[0]


IN_MAIN_NAV = "() => !!document.activeElement.closest('nav.main-nav li')"
ON_MENU_BUTTON = "() => document.activeElement.matches('nav.main-nav summary')"


@pytest.mark.parametrize("lang, menu", [("de", "Menü"), ("en", "Menu")])
def test_main_menu_is_folded_on_a_phone_and_opens_by_keyboard(server, any_page, lang, menu):
    page = any_page
    page.set_viewport_size(PHONE)
    page.goto(server.absolute("/" if lang == "de" else "/en/"))
    assert visible_main_links(page) == []
    toggle = page.locator("nav.main-nav summary")
    assert toggle.is_visible() and toggle.inner_text().strip().endswith(menu)
    nav_box = page.locator("nav.main-nav").bounding_box()
    assert nav_box["height"] < 60, nav_box  # was ~240 px with all six links
    # Screen readers hear a collapsed button named "Menü" (the icon is left out of the name).
    assert menu_button_state(page, menu) is False
    # Keyboard: the menu button is in the tab order, Enter opens it, Tab reaches the links.
    assert tab_until(page, ON_MENU_BUTTON), "the menu button is not reachable by keyboard"
    page.keyboard.press("Enter")
    assert len(visible_main_links(page)) == 6
    assert menu_button_state(page, menu) is True
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate(IN_MAIN_NAV)
    target = page.evaluate("() => document.activeElement.href")
    assert target.rstrip("/").endswith("/etappenziele")
    page.keyboard.press("Enter")
    page.wait_for_url(target)
    # Opening with a click or tap works too, and closes again.
    page.locator("nav.main-nav summary").click()
    assert len(visible_main_links(page)) == 6
    page.locator("nav.main-nav summary").click()
    assert visible_main_links(page) == []


def test_main_links_show_in_a_row_on_a_desktop(server, any_page):
    page = any_page
    page.set_viewport_size(DESKTOP)
    page.goto(server.absolute("/"))
    assert len(visible_main_links(page)) == 6
    assert not page.locator("nav.main-nav summary").is_visible()
    tops = {round(link.bounding_box()["y"]) for link in page.locator(MAIN_LINKS).all()}
    assert len(tops) == 1, tops  # one row, as before
    assert tab_until(page, IN_MAIN_NAV), "the main links are not reachable by keyboard"


def test_menu_page_is_accessible_at_phone_width_open_and_closed(server, page, assert_accessible):
    page.goto(server.absolute("/"))
    assert_accessible(page, (390, 320, 1280))
    page.set_viewport_size(PHONE)
    page.locator("nav.main-nav summary").click()
    assert_accessible(page, 390)


# --- tables on narrow screens (issue 13, item 4) ----------------------------------------------------

REGION_STATE = """(caption) => {
  const region = document.getElementById(caption).closest('[role=region]');
  const hint = region.querySelector('.scroll-hint');
  return {
    scrolls: region.scrollWidth > region.clientWidth + 1,
    hint: hint && getComputedStyle(hint).visibility === 'visible' && hint.offsetHeight > 0 ? hint.innerText.trim() : null,
    shadows: getComputedStyle(region).backgroundImage.split('gradient').length - 1,
    focusable: region.tabIndex === 0,
    label: region.getAttribute('aria-labelledby'),
  };
}"""


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("lang, hint", [
    ("de", "Breite Tabelle: seitlich wischen oder scrollen, um alle Spalten zu sehen."),
    ("en", "Wide table: swipe or scroll sideways to see all columns."),
])
def test_history_table_on_a_phone_says_that_it_scrolls(server, page, width, lang, hint):
    """The history table was cut off on the right with no sign that it scrolls."""
    page.set_viewport_size({"width": width, "height": 844})
    prefix = "" if lang == "de" else "/en"
    page.goto(server.absolute(f"{prefix}/etappenziele/{server.data.milestone_slug}"))
    state = page.evaluate(REGION_STATE, "history-caption")
    assert state["scrolls"], "the history table fits; the test needs a table that is cut off"
    assert state["hint"] == hint
    assert state["shadows"] == 4
    assert state["focusable"] and state["label"] == "history-caption"
    # The region scrolls by keyboard, and the hint stays in view while it does.
    page.locator("#history-caption").locator("xpath=ancestor::*[@role='region']").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    assert page.locator("#verlauf .scroll-hint").bounding_box()["x"] >= 0


def test_tables_that_fit_show_no_hint(server, page):
    page.set_viewport_size(DESKTOP)
    page.goto(server.absolute(f"/etappenziele/{server.data.milestone_slug}"))
    for caption in ("history-caption", "money-caption"):
        state = page.evaluate(REGION_STATE, caption)
        assert not state["scrolls"] and state["hint"] is None, caption


def test_milestone_page_with_wide_tables_is_accessible_on_a_phone(server, page, assert_accessible):
    page.goto(server.absolute(f"/etappenziele/{server.data.milestone_slug}"))
    assert_accessible(page, (390, 320))
