"""Contact forms: writing to a department, reporting a barrier."""
