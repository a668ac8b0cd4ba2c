"""HTML validity with the Nu Html Checker (vnu.jar): many documents per JVM start."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.helpers.paths import VNU_JAR, require

VNU_TIMEOUT_SECONDS = 600


@dataclass
class Report:
    """vnu's messages for one document."""

    name: str
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        lines = [f"{self.name}: {len(self.errors)} vnu error(s), {len(self.warnings)} warning(s)"]
        for kind, messages in (("error", self.errors), ("warning", self.warnings)):
            for message in messages:
                where = f"line {message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"
                lines.append(f"  {kind} {where}: {message.get('message', '')}")
                extract = " ".join((message.get("extract") or "").split())
                if extract:
                    lines.append(f"      {extract}")
        return "\n".join(lines)


def fetch(url: str) -> str:
    """The body of a GET, also for error statuses (the 404 page must be valid too)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8")


class HtmlValidator:
    """Collect (name, html) documents, then validate them all in one vnu run."""

    def __init__(self) -> None:
        self.documents: dict[str, str] = {}

    def add(self, name: str, html: str) -> None:
        if name in self.documents:
            raise ValueError(f"document name {name!r} used twice")
        self.documents[name] = html

    def add_url(self, url: str, name: str | None = None) -> None:
        self.add(name or url, fetch(url))

    def validate(self) -> dict[str, Report]:
        if not self.documents:
            return {}
        java = shutil.which("java")
        if java is None:
            pytest.fail("java is missing: run `make test` (it installs a Java runtime when missing)", pytrace=False)
        reports = {name: Report(name) for name in self.documents}
        with tempfile.TemporaryDirectory(prefix="vnu-") as tmp:
            by_file: dict[str, str] = {}
            for index, (name, html) in enumerate(self.documents.items()):
                filename = f"{index:04d}-{re.sub(r'[^A-Za-z0-9_-]+', '-', name)[:80]}.html"
                (Path(tmp) / filename).write_text(html, encoding="utf-8")
                by_file[filename] = name
            completed = subprocess.run(
                [java, "-jar", str(require(VNU_JAR)), "--format", "json", "--exit-zero-always", "--stdout",
                 *sorted(str(Path(tmp) / f) for f in by_file)],
                capture_output=True, text=True, timeout=VNU_TIMEOUT_SECONDS, check=False,
            )
        try:
            messages = json.loads(completed.stdout)["messages"]
        except (ValueError, KeyError):
            pytest.fail(f"vnu did not answer with JSON (exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}")
        for message in messages:
            filename = unquote(urlsplit(message.get("url", "")).path).rsplit("/", 1)[-1]
            report = reports.get(by_file.get(filename, ""))
            if report is None:
                pytest.fail(f"vnu reported on an unknown document: {message}")
            if message.get("type") in ("error", "non-document-error"):
                report.errors.append(message)
            else:
                report.warnings.append(message)
        return reports


def validate_documents(documents: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, Report]:
    """Validate (name, html) pairs in one vnu run; name -> Report."""
    validator = HtmlValidator()
    for name, html in (documents.items() if isinstance(documents, Mapping) else documents):
        validator.add(name, html)
    return validator.validate()


def assert_valid_html(documents: str | Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
    """Assert vnu finds no error: one document (HTML text or an http(s) URL) or many (name, html) pairs.

    Warnings are allowed; on failure they are listed with the errors.
    """
    if isinstance(documents, str):
        if documents.startswith(("http://", "https://")):
            documents = {documents: fetch(documents)}
        else:
            documents = {"document": documents}
    invalid = [report for report in validate_documents(documents).values() if not report.valid]
    if invalid:
        raise AssertionError("\n\n".join(report.describe() for report in invalid))
