"""Is rendered markup inert? The checks of the XSS tests (participation, moderation, feeds, mails).

Each page is parsed twice, with lxml and with Python's html.parser (two different parsers), and
checked element by element: no script-like element, no event-handler attribute, no inline
style, no URL with a javascript:, vbscript: or data: scheme.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import lxml.html

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                  "srcset", "lowsrc", "dynsrc", "codebase", "cite", "ping"}
FORBIDDEN_ELEMENTS = {"script", "iframe", "object", "embed", "style", "base", "meta", "link", "frame", "frameset"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
# Browsers ignore these inside a URL's scheme ("java\tscript:" is "javascript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f-\xa0\u2028\u2029\ufeff]+")


def dangerous_url(value: str | None) -> bool:
    return _IGNORED_IN_SCHEME.sub("", value or "").lower().startswith(BAD_SCHEMES)


def _attribute_problems(tag: str, attrs) -> list[str]:
    found = []
    for name, value in attrs:
        name = name.lower()
        if name.startswith("on"):
            found.append(f"<{tag} {name}=...> event handler")
        if name in URL_ATTRIBUTES and dangerous_url(value):
            found.append(f"<{tag} {name}={value!r}> dangerous URL")
        if name == "style":
            found.append(f"<{tag} style=...> inline style")
    return found


def problems_lxml(html: str, root_xpath: str) -> list[str]:
    """What is unsafe in the elements below `root_xpath` (which must match), as lxml reads them."""
    roots = lxml.html.document_fromstring(html).xpath(root_xpath)
    assert roots, f"nothing matches {root_xpath}"
    found = []
    for root in roots:
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue  # comments and processing instructions
            tag = element.tag.lower()
            if tag in FORBIDDEN_ELEMENTS:
                found.append(f"<{tag}> element")
            found += _attribute_problems(tag, element.attrib.items())
    return found


class _StartTags(HTMLParser):
    """Every start tag with its (entity-decoded) attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def problems_stdlib(html: str, marker: str) -> list[str]:
    """The same checks with html.parser, from `marker` to the end of the page."""
    parser = _StartTags()
    parser.feed(html[html.index(marker):])
    found = []
    for tag, attrs in parser.tags:
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}> element")
        found += _attribute_problems(tag, attrs)
    return found


def assert_inert(html: str, root_xpath: str = "//main", marker: str = "<main") -> None:
    found = problems_lxml(html, root_xpath) + problems_stdlib(html, marker)
    assert not found, "unsafe markup rendered:\n" + "\n".join(sorted(set(found))[:50])
