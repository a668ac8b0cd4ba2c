"""Turning user text into safe HTML. The only module that imports bleach.

Text is sanitized once, when it is saved; the raw text is stored beside the HTML.
"""
from __future__ import annotations

from html import escape as html_escape
from html import unescape as html_unescape

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt

MARKDOWN_TAGS = frozenset({
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "hr", "table", "thead", "tbody", "tr", "th", "td",
})
MARKDOWN_ATTRIBUTES = {"a": ["href", "title", "rel"], "th": ["align"], "td": ["align"]}
PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _add_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


_linker = Linker(callbacks=[_add_rel], parse_email=False)


def markdown_to_html(text: str) -> str:
    """Render Markdown (raw HTML disabled) and keep only a small safe set of tags."""
    rendered = _markdown.render(text or "")
    # Headings start at h2: the page title is the only h1.
    for level in (5, 4, 3, 2, 1):
        rendered = rendered.replace(f"<h{level}>", f"<h{min(level + 1, 4)}>")
        rendered = rendered.replace(f"</h{level}>", f"</h{min(level + 1, 4)}>")
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
