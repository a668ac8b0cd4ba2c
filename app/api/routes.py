"""The read-only JSON API (/api/v1): open to every origin for GET, no cookies, JSON errors."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from app.api import export, params, queries, serializers
from app.api.openapi import openapi_document
from app.api.params import ApiError
from app.urls import external_url

bp = Blueprint("api", __name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FILTER_PARAMETERS = ("field", "status", "department", "overdue", "q", "sort")


@bp.before_request
def choose_language() -> None:
    """Texts (and error messages) in the language of ?lang=, never of Accept-Language."""
    g.lang = params.parse_language(request.args)


@bp.after_request
def open_for_reading(response: Response) -> Response:
    """CORS for reading only: any origin may GET; nothing here uses cookies or credentials."""
    if request.method in SAFE_METHODS:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    return jsonify(error.body()), error.status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    code = "not_found" if error.code == 404 else "http_error"
    return jsonify({"error": {"code": code, "message": error.description or error.name}}), error.code


def licence() -> dict:
    return {"name": current_app.config["DATA_LICENCE_NAME"], "url": current_app.config["DATA_LICENCE_URL"]}


def answer(data, links: dict | None = None, **meta) -> Response:
    """The envelope of every answer: data, meta (with the data licence) and links."""
    body = {"data": data, "meta": {"licence": licence(), **meta}}
    if links is not None:
        body["links"] = links
    response = jsonify(body)
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["FEED_MAX_AGE"])
    response.add_etag()
    return response.make_conditional(request)


def page_links(endpoint: str, pagination, keep: dict) -> dict:
    """Absolute links to this, the first, last, previous and next page (None where there is none)."""
    last = max(pagination.pages, 1)

    def url(number: int) -> str:
        return external_url(endpoint, **keep, page=number, per_page=pagination.per_page)

    page = pagination.page
    return {
        "self": url(page),
        "first": url(1),
        "last": url(last),
        "prev": url(min(page - 1, last)) if page > 1 else None,
        "next": url(page + 1) if page < last else None,
    }


def paginated(endpoint: str, pagination, items: list, keep: dict) -> Response:
    return answer(
        items,
        links=page_links(endpoint, pagination, keep),
        pagination={
            "page": pagination.page, "per_page": pagination.per_page,
            "total": pagination.total, "pages": pagination.pages,
        },
    )


def kept(names: tuple[str, ...]) -> dict:
    """The parameters to keep in links; lang always, so that a client stays in its language."""
    return {name: request.args[name] for name in (*names, "lang") if name in request.args}


def api_url(endpoint: str) -> str:
    return external_url(endpoint, **kept(()))


@bp.get("/")
def index():
    return answer({
        "strategy": api_url("api.strategy"),
        "fields": api_url("api.fields"),
        "departments": api_url("api.departments"),
        "milestones": api_url("api.milestones"),
        "milestones_csv": api_url("api.milestones_csv"),
        "progress_updates": api_url("api.progress_updates"),
        "openapi": external_url("api.openapi"),
    })


@bp.get("/openapi.json")
def openapi():
    response = jsonify(openapi_document())
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["FEED_MAX_AGE"])
    return response


@bp.get("/strategy")
def strategy():
    overview = queries.strategy_overview()
    return answer(serializers.strategy(overview.strategy, overview.rollup, overview.overdue_count, overview.money))


@bp.get("/fields")
def fields():
    return answer([serializers.field(row, rollup) for row, rollup in queries.fields_with_rollups()])


@bp.get("/departments")
def departments():
    return answer([
        serializers.department(
            o.department, o.rollup, len(o.responsible), len(o.participating), len(o.overdue)
        )
        for o in queries.departments()
    ])


def _filters():
    fields_, departments_ = queries.filter_choices()
    return params.parse_milestone_filters(request.args, fields_, departments_)


@bp.get("/milestones")
def milestones():
    filters = _filters()
    page = params.parse_page(request.args)
    pagination = queries.milestone_page(filters, page.number, page.per_page)
    return paginated(
        "api.milestones", pagination, [serializers.milestone(m) for m in pagination.items],
        kept(FILTER_PARAMETERS),
    )


@bp.get("/milestones.csv")
def milestones_csv():
    body = export.milestones_csv(queries.all_milestones(_filters()))
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="etappenziele.csv"'
    response.cache_control.public = True
    response.cache_control.max_age = int(current_app.config["FEED_MAX_AGE"])
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/milestones/<int:milestone_id>")
def milestone(milestone_id: int):
    # Ids beyond the database's integer range cannot exist (and must not reach the driver).
    # Not <id:...>: a number its converter refuses would answer the HTML 404, not the API's JSON one.
    found = queries.published_milestone(milestone_id) if milestone_id <= params.MAX_ID else None
    if found is None:
        raise ApiError(404, "not_found", _("Ein veröffentlichtes Etappenziel mit dieser Nummer gibt es nicht."))
    return answer(serializers.milestone_detail(found, queries.milestone_history(found)))


@bp.get("/progress-updates")
def progress_updates():
    milestone_id = params.parse_milestone_id(request.args)
    page = params.parse_page(request.args)
    if milestone_id is not None and not queries.is_published_milestone(milestone_id):
        raise params.invalid("milestone", _("Ein veröffentlichtes Etappenziel mit dieser Nummer gibt es nicht."))
    pagination = queries.progress_updates(page.number, page.per_page, milestone_id)
    return paginated(
        "api.progress_updates", pagination, [serializers.progress_update(u) for u in pagination.items],
        kept(("milestone",)),
    )


@bp.get("/<path:path>")
def unknown(path: str):
    raise ApiError(404, "not_found", _("Diese Adresse gibt es in der Schnittstelle nicht."))
