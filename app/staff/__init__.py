"""Staff accounts for administrators (issue 3)."""
