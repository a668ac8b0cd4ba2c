"""Turning user text into safe HTML. The only module that imports bleach.

Text is sanitized once, when it is saved; the raw text is stored beside the HTML.
"""
from __future__ import annotations

import re
from html import escape as html_escape
from html import unescape as html_unescape

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt

MARKDOWN_TAGS = frozenset({
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
})
MARKDOWN_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["align"], "td": ["align"]}
PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _add_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


_linker = Linker(callbacks=[_add_rel], parse_email=False)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def outline_headings(html: str, top_level: int) -> str:
    """Headings renumbered to fit under a heading of level top_level - 1.

    The first heading becomes top_level and none goes more than one level below the one it
    is under: "# A, ### B, ## C" becomes h2, h3, h3 with top_level 2. Screen reader users
    move by heading level, so a skipped level looks like a missing section.
    """
    outline: list[tuple[int, int]] = []  # (level written, level shown) of the open sections
    shown = top_level

    def renumber(match: re.Match) -> str:
        nonlocal shown
        closing, level = match.group(1), int(match.group(2))
        if not closing:
            while outline and outline[-1][0] >= level:
                outline.pop()
            shown = min(outline[-1][1] + 1 if outline else top_level, 6)
            outline.append((level, shown))
        return f"<{closing}h{shown}>"

    return _HEADING_TAG.sub(renumber, html)


def markdown_to_html(text: str, top_level: int = 3) -> str:
    """Render Markdown (raw HTML disabled) and keep only a small safe set of tags.

    Headings start at `top_level`: 2 for a text right under the page's h1 (text pages, the
    strategy's introduction), 3 for one in a section with an h2 (a milestone's description).
    """
    rendered = outline_headings(_markdown.render(text or ""), top_level)
    cleaned = bleach.clean(
        rendered, tags=MARKDOWN_TAGS, attributes=MARKDOWN_ATTRIBUTES, protocols=PROTOCOLS,
        strip=True,
    )
    return _linker.linkify(cleaned)


def plain_text_to_html(text: str) -> str:
    """Plain text with line breaks and clickable links (comments, display names)."""
    # Escape, don't clean: what the citizen typed is shown exactly, entities and "<!--" included.
    escaped = html_escape(text or "", quote=False)
    paragraphs = [p for p in escaped.replace("\r\n", "\n").split("\n\n") if p.strip()]
    html = "".join("<p>" + p.strip("\n").replace("\n", "<br>") + "</p>" for p in paragraphs)
    return _linker.linkify(html)


def strip_tags(text: str) -> str:
    """Text without any markup, for feeds' summaries and mails."""
    return bleach.clean(text or "", tags=set(), strip=True)


# Angle brackets left after stripping (a title "Antwortzeit < 2 Tage") become the single angle
# quotation marks, so that a reader that reads the text as HTML finds no tag in it.
_ANGLES = str.maketrans({"<": "\u2039", ">": "\u203a"})


def plain_text(text: str) -> str:
    """Text with its markup removed and no "<" or ">" left, for text that readers may parse as HTML (RSS)."""
    return html_unescape(strip_tags(text)).translate(_ANGLES)
