"""The result of reading an import file: per row what would change, or why it cannot."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Change:
    column: object  # lazy label
    old: str
    new: str


@dataclass
class RowResult:
    line: int
    slug: str
    title: str
    action: str = "unchanged"  # "create", "update", "unchanged"
    changes: list[Change] = field(default_factory=list)
    update_title: str = ""
    errors: list = field(default_factory=list)


@dataclass
class ImportReport:
    file_errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False

    @property
    def row_errors(self) -> list[tuple[int, object]]:
        return [(row.line, message) for row in self.rows for message in row.errors]

    @property
    def notable_rows(self) -> list[RowResult]:
        """Rows with a problem, a change or a progress update, in file order."""
        return [row for row in self.rows if row.errors or row.action != "unchanged" or row.update_title]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.update_title and not row.errors)

    @property
    def changes_anything(self) -> bool:
        return bool(self.count("create") or self.count("update") or self.update_count)
