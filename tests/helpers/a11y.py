"""axe-core in the browser: zero WCAG 2.1 A/AA violations, at desktop and phone width."""
from __future__ import annotations

from collections.abc import Iterable

from tests.helpers.paths import AXE_JS, require

AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
WIDTHS = (1280, 320)
VIEWPORT_HEIGHT = 900

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String).join(' '),
      html: n.html,
      summary: n.failureSummary || '',
    })),
  }));
}"""


def run_axe(page, width: int) -> list[dict]:
    """The axe violations of the page's current document at the given viewport width."""
    page.set_viewport_size({"width": width, "height": VIEWPORT_HEIGHT})
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The page's CSP forbids injected scripts; the `page` fixture's context bypasses it.
        page.add_script_tag(path=str(require(AXE_JS)))
    return page.evaluate(RUN_AXE, list(AXE_TAGS))


def format_violations(violations: list[dict], url: str, width: int) -> str:
    lines = [f"axe: {len(violations)} WCAG 2.1 A/AA violation(s) at {width} px on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}  <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            html = " ".join(node["html"].split())
            lines.append(f"    target {node['target']}: {html[:200]}")
            for summary_line in node["summary"].splitlines():
                if summary_line.strip():
                    lines.append(f"      {summary_line.strip()}")
    return "\n".join(lines)


def assert_accessible(page, width: int | Iterable[int] | None = None) -> None:
    """Assert axe finds no WCAG 2.1 A/AA violation at `width` (default: 1280 and 320 px)."""
    widths = WIDTHS if width is None else ((width,) if isinstance(width, int) else tuple(width))
    failures = []
    for w in widths:
        violations = run_axe(page, w)
        if violations:
            failures.append(format_violations(violations, page.url, w))
    if failures:
        raise AssertionError("\n\n".join(failures))
