"""BASE_URL: `make run` names its own address, production warns about the default (issue 13, item 7)."""
from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest

from app import BASE_URL_WARNING, create_app
from config import DEFAULT_BASE_URL, DevelopmentConfig, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent


def make_run_dry(*args: str, env: dict | None = None) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "BASE_URL"}
    environment.update(env or {})
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=ROOT, env=environment,
        capture_output=True, text=True, check=True,
    )
    return result.stdout


def test_make_run_sets_base_url_to_its_own_port():
    """`make run PORT=5111` left every absolute link on port 5000."""
    run_line = [line for line in make_run_dry("PORT=5111").splitlines() if "flask run" in line][0]
    assert "BASE_URL=http://127.0.0.1:5111" in run_line.replace('"', "")


def test_make_run_keeps_the_callers_base_url():
    out = make_run_dry("PORT=5111", env={"BASE_URL": "https://etappen.example.de"})
    run_line = [line for line in out.splitlines() if "flask run" in line][0]
    assert "BASE_URL=https://etappen.example.de" in run_line.replace('"', "")


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "app" and r.levelno == logging.WARNING]


@pytest.mark.parametrize("config, base_url, warned", [
    (ProductionConfig, DEFAULT_BASE_URL, True),
    (ProductionConfig, DEFAULT_BASE_URL + "/", True),
    (ProductionConfig, "https://etappen.example.de", False),
    (DevelopmentConfig, DEFAULT_BASE_URL, False),
])
def test_production_warns_when_base_url_is_the_default(caplog, config, base_url, warned):
    caplog.set_level(logging.WARNING)
    create_app(config, SECRET_KEY="x" * 32, SQLALCHEMY_DATABASE_URI="sqlite://", BASE_URL=base_url,
               RATELIMIT_STORAGE_URI="redis://127.0.0.1:6399/0")
    assert warnings(caplog) == ([BASE_URL_WARNING] if warned else [])
