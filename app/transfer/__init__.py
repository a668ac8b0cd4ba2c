"""CSV import and export of milestones (issue 3)."""
