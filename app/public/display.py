"""What the public pages show but do not query: history values, chart geometry, safe links."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app import formatting
from app.i18n import lazy_gettext as _l
from app.models import ChangeKind
from app.progress import MilestoneStatus

CHANGE_LABELS = {
    ChangeKind.STATUS: _l("Status"),
    ChangeKind.PROGRESS: _l("Fortschritt"),
    ChangeKind.TARGET_DATE: _l("Zieltermin (Neuplanung)"),
    ChangeKind.PLANNED: _l("Geplante Mittel"),
    ChangeKind.COMMITTED: _l("Gebundene Mittel"),
    ChangeKind.SPENT: _l("Ausgegebene Mittel"),
}


def change_label(kind: str) -> str:
    """What a history entry changed, in words."""
    try:
        return str(CHANGE_LABELS[ChangeKind(kind)])
    except ValueError:
        return kind


def change_value(kind: str, value: str | None) -> str:
    """A stored history value (status key, percent, ISO date, amount) in the page's format."""
    if value is None or value == "":
        return "–"
    # A value that does not parse is shown as stored: the history must never break the page.
    try:
        return formatting.change_value(kind, value)
    except (ValueError, KeyError, InvalidOperation):
        return value


def external_url(url: str | None) -> str | None:
    """The address if it is an http(s) link, else None (no javascript: or data: links)."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None


def share(part: Decimal, whole: Decimal) -> float | None:
    """`part` as a percentage of `whole`, None when there is no whole."""
    if not whole:
        return None
    return float(part) * 100 / float(whole)


# The status chart on the home page: one labelled bar per status (viewBox units).
CHART_WIDTH = 320
CHART_ROW = 44
CHART_LABEL_Y = 15
CHART_BAR_Y = 21
CHART_BAR_HEIGHT = 16


@dataclass(frozen=True)
class ChartBar:
    status: MilestoneStatus
    count: int
    top: int
    width: float

    @property
    def label_y(self) -> int:
        return self.top + CHART_LABEL_Y

    @property
    def bar_y(self) -> int:
        return self.top + CHART_BAR_Y


@dataclass(frozen=True)
class StatusChart:
    bars: list[ChartBar]
    width: int = CHART_WIDTH
    bar_height: int = CHART_BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * CHART_ROW

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


def status_chart(by_status: dict[MilestoneStatus, int]) -> StatusChart:
    """Bars scaled to the largest count; a non-empty status always gets a visible bar."""
    largest = max(by_status.values(), default=0)
    bars = []
    for row, status in enumerate(MilestoneStatus):
        count = by_status.get(status, 0)
        width = 0.0
        if largest and count:
            width = max(round(CHART_WIDTH * count / largest, 1), 3.0)
        bars.append(ChartBar(status, count, row * CHART_ROW, width))
    return StatusChart(bars)


# The financing chart on the home page: per budget year a label and one bar per series.
MONEY_SERIES = ("plan", "planned", "committed", "spent")
MONEY_SERIES_LABELS = {
    "plan": _l("Finanzierungsplan der Strategie"),
    "planned": _l("Etappenziele: geplant"),
    "committed": _l("Etappenziele: gebunden"),
    "spent": _l("Etappenziele: ausgegeben"),
}
MONEY_LABEL_Y = 15
MONEY_BAR_TOP = 22
MONEY_BAR_HEIGHT = 9
MONEY_BAR_STEP = 12
MONEY_GROUP = MONEY_BAR_TOP + MONEY_BAR_STEP * len(MONEY_SERIES) + 10


@dataclass(frozen=True)
class MoneyBar:
    series: str
    y: int
    width: float


@dataclass(frozen=True)
class MoneyGroup:
    year: int | None
    label_y: int
    bars: list[MoneyBar]


@dataclass(frozen=True)
class MoneyChart:
    groups: list[MoneyGroup]
    width: int = CHART_WIDTH
    bar_height: int = MONEY_BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.groups) * MONEY_GROUP


def money_chart(years) -> MoneyChart:
    """Bars per budget year (the YearMoney rows), all scaled to the largest amount.

    A series without a figure (no plan for the year) or at zero gets no bar; any other
    amount gets a visible one.
    """
    values = [getattr(row, series) or 0 for row in years for series in MONEY_SERIES]
    largest = max(values, default=0)
    groups = []
    for index, row in enumerate(years):
        top = index * MONEY_GROUP
        bars = []
        for position, series in enumerate(MONEY_SERIES):
            amount = getattr(row, series) or 0
            width = max(round(CHART_WIDTH * float(amount) / float(largest), 1), 3.0) if largest and amount else 0.0
            bars.append(MoneyBar(series, top + MONEY_BAR_TOP + position * MONEY_BAR_STEP, width))
        groups.append(MoneyGroup(row.year, top + MONEY_LABEL_Y, bars))
    return MoneyChart(groups)
