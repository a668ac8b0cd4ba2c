"""The reports resource of the JSON API (/api/v1/reports): published reports, public data only.

The same envelope as the rest of the API (app/api): data, meta with the data licence, links;
open to every origin for reading, ?lang= for the language of the texts and links.
"""
from __future__ import annotations

from flask import Response, current_app, g, jsonify, request

from app.api.params import ApiError, parse_language
from app.i18n import localized
from app.urls import external_url
from app.models import Report
from app.reporting.rendering import ReportView


def answer(data) -> Response:
    config = current_app.config
    response = jsonify({"data": data, "meta": {"licence": {
        "name": config["DATA_LICENCE_NAME"], "url": config["DATA_LICENCE_URL"]}}})
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = int(config["FEED_MAX_AGE"])
    response.add_etag()
    return response.make_conditional(request)


def not_found() -> tuple[Response, int]:
    response = jsonify({"error": {"code": "not_found", "message": "Not Found"}})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response, 404


def use_requested_language() -> tuple[Response, int] | None:
    """?lang= as in the rest of the API: an unknown or repeated one is a 400 in JSON."""
    try:
        g.lang = parse_language(request.args)
    except ApiError as error:
        response = jsonify(error.body())
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response, error.status
    return None


def summary(report: Report) -> dict:
    return {
        "id": report.id,
        "reporting_date": report.reporting_date.isoformat(),
        # An earlier report kept internal is not named (its API address would be a 404 anyway).
        "previous_id": report.previous_id if report.previous is not None and report.previous.published else None,
        "published_at": report.published_at.isoformat() + "Z" if report.published_at else None,
        "url": external_url("reporting.report", report_id=report.id),
        "pdf_url": external_url("reporting.report_pdf", report_id=report.id),
        "api_url": external_url("reporting.reports_api.api_report", report_id=report.id),
    }


def _milestone(view) -> dict:
    return {
        "id": view.id, "title": localized(view, "title"), "status": view.status,
        "progress": view.effective_progress,
        "target_date": view.target_date.isoformat() if view.target_date else None,
        "planned": str(view.planned), "committed": str(view.committed), "spent": str(view.spent),
        "overdue": view.is_overdue, "stale": view.stale,
    }


def detail(report: Report) -> dict:
    """The public content of a report: never the internal sections."""
    view = ReportView(report)
    data = view.data
    return {
        **summary(report),
        "overall": data["overall"],
        "money": data["money"],
        "fields": [
            {"id": item.id, "name": localized(item, "name"), "progress": item.rollup["progress"],
             "milestones": [_milestone(m) for m in item.milestones]}
            for item in view.fields
        ],
        "changes": data["changes"],
        "participation": data["participation"],
    }
