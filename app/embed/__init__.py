"""Widgets for iframes on the municipal website, and the snippets admins copy."""
