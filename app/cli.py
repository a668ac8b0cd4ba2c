"""Operator commands (flask CLI). Commands call services; they hold no business rules."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    pass
