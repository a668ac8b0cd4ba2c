"""Where the test tools live (installed by `make test`)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")


def require(path: Path) -> Path:
    """The path, or a test failure that says how to install the tool."""
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make test`, which installs the test tools", pytrace=False)
    return path
