"""Test helpers: a live server, axe-core accessibility checks and vnu HTML validation."""
