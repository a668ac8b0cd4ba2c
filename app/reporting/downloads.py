"""Serving a report's stored PDFs: the bytes as issued, never rendered again."""
from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from app.models import Report, ReportVariant
from app.reporting import reports


def pdf_answer(found: Report, lang: str, variant: ReportVariant) -> Response:
    """The stored PDF, byte for byte as issued (404 if there is none, and for the internal
    version to anyone who may not read it: checked here too, not only by the route)."""
    if variant == ReportVariant.INTERNAL and not reports.can_read_internal(current_user):
        abort(404)
    stored = reports.stored_pdf(found, lang, variant)
    if stored is None:
        abort(404)
    response = Response(stored.content, content_type="application/pdf")
    name = f"sachstandsbericht-{found.reporting_date.isoformat()}-{lang}"
    if variant == ReportVariant.INTERNAL:
        name += "-intern"
        response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response.set_etag(stored.sha256)
    return response
