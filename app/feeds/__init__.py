"""Atom and RSS feeds of progress updates, milestone changes and comments."""
