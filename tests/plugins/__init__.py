"""Fixtures for the whole suite, loaded by tests/conftest.py with `pytest_plugins = ["tests.plugins"]`."""

pytest_plugins = [
    "tests.plugins.databases",
    "tests.plugins.live_server",
    "tests.plugins.browser",
    "tests.plugins.smtp",
    "tests.plugins.auth",
]
