"""Layout of the roadmap chart: where each milestone's bar and markers go.

Pure geometry in SVG user units (the chart scales through its viewBox); the template
only draws what this module computed, so the placement rules are testable.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from app import progress as rules
from app.i18n import localized

WIDTH = 1000
LABEL_X = 8
CHART_X0 = 320
CHART_X1 = 984
AXIS_HEIGHT = 40
GROUP_HEIGHT = 34
ROW_HEIGHT = 44
BAR_HEIGHT = 16
FOOTER_HEIGHT = 30
INDENT = 16
MAX_INDENT_LEVEL = 3
TITLE_CHARS = 38


@dataclass(frozen=True)
class Axis:
    """Maps dates to x coordinates between x0 (1 January of the first year) and x1."""

    first_year: int
    last_year: int
    x0: float = CHART_X0
    x1: float = CHART_X1

    @property
    def start(self) -> date:
        return date(self.first_year, 1, 1)

    @property
    def end(self) -> date:
        # the exclusive end: 1 January after the last year
        return date(self.last_year + 1, 1, 1)

    def x(self, day: date) -> float:
        span = (self.end - self.start).days
        return round(self.x0 + (day - self.start).days / span * (self.x1 - self.x0), 2)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


@dataclass(frozen=True)
class YearTick:
    year: int
    x: float
    label_x: float


@dataclass
class Row:
    """One milestone in the chart."""

    bar_height = BAR_HEIGHT

    milestone: object
    level: int
    y: float = 0
    label: str = ""
    bar_x: float | None = None
    bar_width: float = 0
    progress_width: float = 0
    target_x: float | None = None
    original_x: float | None = None
    progress: float = 0
    overdue: bool = False

    @property
    def bar_y(self) -> float:
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) / 2

    @property
    def center_y(self) -> float:
        return self.y + ROW_HEIGHT / 2

    @property
    def label_x(self) -> float:
        return LABEL_X + INDENT * min(self.level, MAX_INDENT_LEVEL)

    @property
    def replanned(self) -> bool:
        return self.original_x is not None

    def diamond(self, x: float, radius: float = 7) -> str:
        """SVG polygon points of a date marker centred on the row at x."""
        cy = self.center_y
        points = ((x, cy - radius), (x + radius, cy), (x, cy + radius), (x - radius, cy))
        return " ".join(f"{px:g},{py:g}" for px, py in points)


@dataclass
class Group:
    """A field of action with its rows."""

    field: object
    y: float
    rows: list[Row]


@dataclass
class RoadmapLayout:
    axis: Axis
    width: int
    height: float
    ticks: list[YearTick]
    groups: list[Group]
    today_x: float | None
    # in the order of the chart, undated ones at the end of their field (for the table)
    table_rows: list[Row]

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    @property
    def undated(self) -> list[object]:
        return [row.milestone for row in self.table_rows if row.milestone.target_date is None]


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """The text cut at a word boundary to fit the label column, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:–-") + "…"


def year_range(milestones: Iterable, period: tuple[int, int] | None, on: date) -> tuple[int, int]:
    """The strategy period, widened so that no milestone date falls outside it."""
    years = [
        day.year
        for m in milestones
        for day in (m.start_date, m.target_date, m.original_target_date)
        if day is not None
    ]
    if period is not None:
        years.extend(period)
    if not years:
        return on.year, on.year
    return min(years), max(years)


def _sort_key(milestone) -> tuple:
    first = milestone.start_date or milestone.target_date
    return (first is None, first or date.max, milestone.target_date or date.max, milestone.title)


def _tree_order(milestones: Sequence) -> list[tuple[object, int]]:
    """Milestones with each sub-milestone right after its parent, and their depth."""
    ids = {m.id for m in milestones}
    children: dict[int, list] = {}
    roots = []
    for m in milestones:
        if m.parent_id is not None and m.parent_id in ids:
            children.setdefault(m.parent_id, []).append(m)
        else:
            roots.append(m)
    ordered: list[tuple[object, int]] = []

    def visit(m, level: int) -> None:
        ordered.append((m, level))
        for child in sorted(children.get(m.id, ()), key=_sort_key):
            visit(child, level + 1)

    for root in sorted(roots, key=_sort_key):
        visit(root, 0)
    return ordered


def _place(row: Row, axis: Axis) -> None:
    m = row.milestone
    row.target_x = axis.x(m.target_date)
    if m.start_date is not None and m.start_date <= m.target_date:
        row.bar_x = axis.x(m.start_date)
        row.bar_width = round(row.target_x - row.bar_x, 2)
        row.progress_width = round(row.bar_width * row.progress / 100, 2)
    if m.original_target_date is not None and m.original_target_date != m.target_date:
        row.original_x = axis.x(m.original_target_date)


def _year_tick(axis: Axis, year: int) -> YearTick:
    x, next_x = axis.x(date(year, 1, 1)), axis.x(date(year + 1, 1, 1))
    return YearTick(year, x, round((x + next_x) / 2, 2))


def layout_roadmap(
    milestones: Iterable, period: tuple[int, int] | None, on: date | None = None
) -> RoadmapLayout:
    """Rows grouped by field of action, bars from start to target date.

    Milestones without a target date get no row in the chart; they appear in the
    table only (`table_rows`, after the dated ones of their field).
    """
    on = on or rules.today()
    milestones = list(milestones)
    axis = Axis(*year_range(milestones, period, on))
    by_field: dict[int, list] = {}
    for m in milestones:
        by_field.setdefault(m.field.id, []).append(m)
    fields = sorted((members[0].field for members in by_field.values()), key=lambda f: (f.position, f.name))

    groups: list[Group] = []
    table_rows: list[Row] = []
    y = AXIS_HEIGHT
    for fld in fields:
        rows = [
            Row(
                milestone=m,
                level=level,
                label=shorten(localized(m, "title"), TITLE_CHARS - 2 * min(level, MAX_INDENT_LEVEL)),
                progress=rules.effective_progress(m),
                overdue=rules.is_overdue(m, on),
            )
            for m, level in _tree_order(by_field[fld.id])
        ]
        dated = [row for row in rows if row.milestone.target_date is not None]
        if dated:
            groups.append(Group(field=fld, y=y, rows=dated))
            y += GROUP_HEIGHT
            for row in dated:
                row.y = y
                y += ROW_HEIGHT
                _place(row, axis)
        table_rows.extend(dated + [row for row in rows if row.milestone.target_date is None])

    return RoadmapLayout(
        axis=axis,
        width=WIDTH,
        height=y + FOOTER_HEIGHT,
        ticks=[_year_tick(axis, year) for year in range(axis.first_year, axis.last_year + 1)],
        groups=groups,
        today_x=axis.x(on) if axis.contains(on) else None,
        table_rows=table_rows,
    )
