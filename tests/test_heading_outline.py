"""Headings in Markdown texts go down one level at a time from where the text is shown (issue 13)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.demo.pages import PAGES
from app.extensions import db as _db
from app.pages.services import save_content_page
from app.sanitize import markdown_to_html, outline_headings
from tests.test_migrations import run_ok


def levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def assert_in_order(html: str) -> None:
    """Each heading at most one level below the one before it, starting from h1."""
    previous = 1
    for level in levels(html):
        assert level <= previous + 1, f"h{previous} followed by h{level}:\n{html}"
        previous = level


@pytest.mark.parametrize(("markdown", "top_level", "expected"), [
    ("## A\n\n## B", 2, [2, 2]),
    ("# A\n\n### B\n\n## C", 2, [2, 3, 3]),
    ("### Only", 2, [2]),
    ("## A\n\n#### B\n\n###### C\n\n## D", 3, [3, 4, 5, 3]),
    ("# A\n\n## B\n\n### C\n\n#### D\n\n##### E", 4, [4, 5, 6, 6, 6]),
])
def test_markdown_headings_start_at_the_given_level_and_skip_none(markdown, top_level, expected):
    html = markdown_to_html(markdown, top_level=top_level)
    assert levels(html) == expected
    assert len(re.findall(r"</h[2-6]>", html)) == len(expected)


def test_outline_keeps_closing_tags_matched():
    assert outline_headings("<h3>A</h3><p>x</p><h4>B</h4>", 2) == "<h2>A</h2><p>x</p><h3>B</h3>"


@pytest.mark.parametrize("slug", ["leichte-sprache", "barrierefreiheit", "datenschutz"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_text_pages_go_from_h1_to_h2(client, db, slug, prefix):
    save_content_page(slug, **PAGES[slug])
    _db.session.commit()
    html = client.get(f"{prefix}/{slug}").get_data(as_text=True)
    main = html[html.index("<main"):html.index("</main>")]
    assert levels(main)[0] == 1
    if not prefix:  # the German texts have sections (some English ones are a few paragraphs)
        assert levels(main)[1] == 2
    assert_in_order(main)


@pytest.mark.postgres
def test_migration_renumbers_stored_html(scratch_database_url, tmp_path: Path):
    run_ok("db", "upgrade", "0010", database_url=scratch_database_url, tmp_path=tmp_path)
    engine = create_engine(scratch_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO content_page (slug, title_de, body_de, body_de_html, title_en, body_en, body_en_html,"
                " video_url, updated_at) VALUES ('datenschutz', 'Datenschutz', '## A', '<h3>A</h3><p>x</p><h4>B</h4>',"
                " '', '', '', '', CURRENT_TIMESTAMP)"))
        run_ok("db", "upgrade", database_url=scratch_database_url, tmp_path=tmp_path)
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT body_de_html FROM content_page")).scalar_one()
    finally:
        engine.dispose()
    assert stored == "<h2>A</h2><p>x</p><h3>B</h3>"
