"""A report's snapshot as pages and PDFs: the view the templates read, the charts, WeasyPrint.

Everything here reads the snapshot only, never today's rows. render_pdf() is called when a
report is issued and nowhere else: afterwards the stored bytes are served.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field as dataclass_field
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from flask import current_app, render_template
from weasyprint import CSS, HTML

from app import progress as rules
from app.formatting import money
from app.i18n import lazy_gettext as _l
from app.mail.services import recipient_language
from app.models import ModerationAction, Report, ReportVariant
from app.moderation.labels import ACTION_LABELS

# WeasyPrint logs each rendering step at INFO; the app's log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PDF_STYLESHEET = Path(__file__).resolve().parent.parent.parent / "static" / "css" / "report-pdf.css"
MONEY_KIND_LABELS = {"planned": _l("Geplant"), "committed": _l("Gebunden"), "spent": _l("Ausgegeben")}
# Chart colours as SVG attributes: WeasyPrint's SVG ignores the page's CSS for `fill`.
TRACK_COLOUR = "#e4e8ec"
BAR_COLOURS = {
    "field": "#1d4f91", "planned": "#5a6b7b", "in_progress": "#1d4f91", "completed": "#1b6e3a",
    "on_hold": "#8a5a00", "cancelled": "#6b6b6b",
}
# Chart geometry in SVG user units.
CHART_WIDTH = 480
BAR_HEIGHT = 16
ROW_HEIGHT = 44


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass
class MilestoneView:
    """One milestone of the snapshot; quacks like a Milestone for the shared macros."""

    id: int
    slug: str
    title: str
    title_en: str
    status: str
    effective_progress: float
    target_date: date | None
    original_target_date: date | None
    planned: Decimal
    committed: Decimal
    spent: Decimal
    is_overdue: bool
    stale: bool
    last_update_on: date | None
    children: list[MilestoneView] = dataclass_field(default_factory=list)

    @property
    def is_replanned(self) -> bool:
        return (self.original_target_date is not None and self.target_date is not None
                and self.original_target_date != self.target_date)

    @classmethod
    def of(cls, data: dict) -> MilestoneView:
        return cls(
            id=data["id"], slug=data["slug"], title=data["title"], title_en=data["title_en"],
            status=data["status"], effective_progress=data["progress"],
            target_date=_day(data["target_date"]), original_target_date=_day(data["original_target_date"]),
            planned=Decimal(data["planned"]), committed=Decimal(data["committed"]), spent=Decimal(data["spent"]),
            is_overdue=data["overdue"], stale=data["stale"], last_update_on=_day(data["last_update_on"]),
        )


@dataclass
class Bar:
    label: object  # a field (name, name_en) or a status key
    value: float
    y: int
    colour: str = "field"  # a key of BAR_COLOURS

    @property
    def width(self) -> float:
        return round(CHART_WIDTH * max(0.0, min(self.value, 100.0)) / 100, 1)

    @property
    def label_y(self) -> int:
        return self.y + 12

    @property
    def bar_y(self) -> int:
        return self.y + 18


@dataclass
class FieldView:
    id: int
    slug: str
    name: str
    name_en: str
    rollup: dict
    milestones: list[MilestoneView]


class ReportView:
    """What a report page or PDF shows, read from the snapshot."""

    def __init__(self, report: Report, variant: ReportVariant = ReportVariant.PUBLIC):
        data = report.snapshot
        self.report = report
        self.variant = variant
        self.data = data
        self.day = date.fromisoformat(data["reporting_date"])
        self.period_start = _day(data["period_start"])
        self.previous_day = _day((data["previous"] or {}).get("reporting_date"))
        self.recorded_since = _day(data["recorded_since"])
        self.milestones = {key: MilestoneView.of(value) for key, value in data["milestones"].items()}
        for key, value in data["milestones"].items():
            self.milestones[key].children = [self.milestones[str(child)] for child in value["children"]]
        self.fields = [
            FieldView(item["id"], item["slug"], item["name"], item["name_en"], item,
                      [self.milestones[str(key)] for key in item["top_level"]])
            for item in data["fields"]
        ]
        self.overall = data["overall"]
        self.money = {kind: Decimal(value) for kind, value in data["money"].items()}
        self.changes = data["changes"]
        self.participation = data["participation"]
        ordered = sorted(self.milestones.values(), key=lambda m: (m.target_date or date.max, m.title))
        self.overdue = [m for m in ordered if m.is_overdue]
        self.stale = [m for m in ordered if m.stale]
        self.field_bars = [Bar(item, item.rollup["progress"], n * ROW_HEIGHT) for n, item in enumerate(self.fields)]
        self.status_bars = self._status_bars()
        # Staff-only sections (reports.internal_sections), never in the public variant.
        self.internal = data.get("internal", []) if variant == ReportVariant.INTERNAL else []

    def _status_bars(self) -> list[Bar]:
        total = self.overall["milestones"] or 1
        return [Bar(status, 100 * self.overall["by_status"].get(status.value, 0) / total, n * ROW_HEIGHT, status.value)
                for n, status in enumerate(rules.MilestoneStatus)]

    @property
    def approximate(self) -> bool:
        return self.data["approximate"]

    @property
    def chart_height(self) -> int:
        return max(1, len(self.fields)) * ROW_HEIGHT

    @property
    def status_chart_height(self) -> int:
        return len(self.status_bars) * ROW_HEIGHT

    def change_items(self, kind: str) -> list[SimpleNamespace]:
        """One group of the changes since the previous report, as objects the macros can read."""
        items = []
        for item in (self.changes or {}).get(kind, []):
            extra = {f"{key}_day": _day(item[key]) for key in ("old", "new")} if kind == "replanned" else {}
            items.append(SimpleNamespace(**item, **extra))
        return items


def template_helpers() -> dict:
    """What the report templates need besides the snapshot, with or without a request."""
    return {
        "chart_width": CHART_WIDTH,
        "track_colour": TRACK_COLOUR,
        "bar_colours": BAR_COLOURS,
        "money_kind_label": lambda kind: str(MONEY_KIND_LABELS[kind]),
        "money_text": lambda text: money(Decimal(text)) if text is not None else "–",
        "moderation_label": lambda action: str(ACTION_LABELS.get(ModerationAction(action), action)),
    }


def render_html(report: Report, lang: str, variant: ReportVariant, template: str = "reporting/report_pdf.html") -> str:
    """The report as one HTML document in `lang` (the PDF's source)."""
    with recipient_language(lang):
        return render_template(template, view=ReportView(report, variant), **template_helpers())


def render_pdf(report: Report, lang: str, variant: ReportVariant) -> bytes:
    """The tagged PDF (PDF/UA-1) of the report in `lang`; only ever called when it is issued."""
    html = render_html(report, lang, variant)
    document = HTML(string=html, base_url=current_app.config["BASE_URL"])
    return document.write_pdf(stylesheets=[CSS(filename=str(PDF_STYLESHEET))], pdf_variant="pdf/ua-1")
