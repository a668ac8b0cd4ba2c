"""Site settings for administrators (issue 3)."""
