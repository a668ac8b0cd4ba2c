"""Read-only open data: the JSON API under /api/v1, its OpenAPI document and a CSV download."""
