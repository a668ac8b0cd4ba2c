"""The XSS payload corpus: load_payloads() returns every payload once, in a stable order.

The files are JSON lines (one JSON string per line), so payloads may hold line breaks, tabs
and NUL characters. SOURCES.md names where each file comes from. Other features (moderation
queue, feeds, mails) check their output with the same corpus.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
FILES = (
    "bleach_tests.jsonl",
    "owasp_filter_evasion.jsonl",
    "event_handlers.jsonl",
    "portal_specific.jsonl",
)


def _read(name: str) -> list[str]:
    with open(DIRECTORY / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@cache
def load_payloads() -> tuple[str, ...]:
    """All payloads of all files, duplicates removed, in file order."""
    return tuple(dict.fromkeys(payload for name in FILES for payload in _read(name)))


def load_payloads_from(name: str) -> tuple[str, ...]:
    """The payloads of one file of the corpus (e.g. "owasp_filter_evasion.jsonl")."""
    return tuple(_read(name))


__all__ = ["DIRECTORY", "FILES", "load_payloads", "load_payloads_from"]
