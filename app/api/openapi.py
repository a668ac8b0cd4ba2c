"""The OpenAPI 3.1 description of /api/v1, written out as data.

Every answer the API gives must validate against these schemas; the test suite runs
schemathesis against this document to keep the two in step.
"""
from __future__ import annotations

from flask import current_app

from app.api.params import DEFAULT_PER_PAGE, MAX_ID, MAX_PER_PAGE
from app.urls import external_url
from app.progress import MilestoneStatus
from app.filters import MAX_PAGE, MAX_QUERY_LENGTH, SORT_OPTIONS

STATUSES = [status.value for status in MilestoneStatus]
CHANGE_KINDS = ["status", "progress", "target_date", "planned", "committed", "spent"]
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Control characters (Unicode category Cc) are refused in the search text.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def obj(properties: dict, description: str | None = None) -> dict:
    """A closed object: every property is present, no other one."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
COUNT = {"type": "integer", "minimum": 0}
ID = {"type": "integer", "minimum": 1}
URL = {"type": "string", "format": "uri"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
PERCENT = {"type": "number", "minimum": 0, "maximum": 100}
AMOUNT = {"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "Euro, two decimals, as text (exact)."}
SLUG = {"type": "string", "pattern": SLUG_PATTERN}

SCHEMAS = {
    "Licence": obj({"name": STRING, "url": URL}, "The licence of the data."),
    "Meta": obj({"licence": ref("Licence")}),
    "Pagination": obj({"page": ID, "per_page": ID, "total": COUNT, "pages": COUNT}),
    "PageMeta": obj({"licence": ref("Licence"), "pagination": ref("Pagination")}),
    "PageLinks": obj({
        "self": URL, "first": URL, "last": URL, "prev": nullable(URL), "next": nullable(URL),
    }),
    "Error": obj({
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "examples": ["invalid_parameter", "not_found"]},
                "message": STRING,
                "parameter": {"type": "string", "description": "The query parameter at fault."},
            },
            "required": ["code", "message"],
            "additionalProperties": False,
        },
    }),
    "Money": obj({"planned": AMOUNT, "committed": AMOUNT, "spent": AMOUNT}),
    "StatusCounts": obj({status: COUNT for status in STATUSES}, "Number of milestones per status."),
    "FieldRef": obj({"id": ID, "slug": SLUG, "name": STRING}),
    "DepartmentRef": obj({"id": ID, "slug": SLUG, "name": STRING}),
    "MilestoneRef": obj({"id": ID, "slug": SLUG, "title": STRING, "api_url": URL}),
    "Strategy": obj({
        "title": nullable(STRING),
        "intro": STRING,
        "intro_html": STRING,
        "period_from": nullable(INTEGER),
        "period_to": nullable(INTEGER),
        "council_decision": obj({"date": nullable(DATE), "reference": STRING, "url": nullable(URL)}),
        "document_url": nullable(URL),
        "lead_role": STRING,
        "budget_years": {"type": "array", "items": obj({"year": INTEGER, "amount": AMOUNT})},
        "progress": nullable(PERCENT),
        "milestone_count": COUNT,
        "status_counts": ref("StatusCounts"),
        "overdue_count": COUNT,
        "money": ref("Money"),
        "url": URL,
    }, "The strategy; progress is the weighted mean of its top-level milestones, cancelled ones left out."),
    "Field": obj({
        "id": ID, "slug": SLUG, "name": STRING, "description": STRING, "position": INTEGER,
        "progress": nullable(PERCENT), "milestone_count": COUNT, "status_counts": ref("StatusCounts"),
        "overdue_count": COUNT, "url": URL,
    }, "A field of action (Handlungsfeld) with the roll-up of its top-level milestones."),
    "Department": obj({
        "id": ID, "slug": SLUG, "name": STRING, "description": STRING, "progress": nullable(PERCENT),
        "responsible_count": COUNT, "participating_count": COUNT, "overdue_count": COUNT,
    }, "A department (Organisationseinheit) and the milestones it leads or takes part in."),
    "Change": obj({
        "id": ID,
        "changed_on": DATE,
        "kind": {"type": "string", "enum": CHANGE_KINDS},
        "old_value": nullable(STRING),
        "new_value": nullable(STRING),
        "reason": STRING,
        "author_role": STRING,
        "progress_update_id": nullable(ID),
    }, "A history entry. Values are text: status key, whole percent, ISO date or decimal amount."),
    "Funding": obj({
        "source": obj({"id": ID, "name": STRING, "is_grant": {"type": "boolean"}}),
        "amount": AMOUNT,
    }),
    "Champion": obj({"id": ID, "name": STRING, "role": STRING}),
}

MILESTONE_PROPERTIES = {
    "id": ID,
    "slug": SLUG,
    "title": STRING,
    "summary": STRING,
    "field": ref("FieldRef"),
    "department": nullable(ref("DepartmentRef")),
    "parent": nullable(ref("MilestoneRef")),
    "status": {"type": "string", "enum": STATUSES},
    "progress": PERCENT,
    "weight": {"type": "integer", "minimum": 1},
    "overdue": {"type": "boolean"},
    "replanned": {"type": "boolean"},
    "start_date": nullable(DATE),
    "original_target_date": nullable(DATE),
    "target_date": nullable(DATE),
    "completed_on": nullable(DATE),
    "last_update_on": nullable(DATE),
    "money": ref("Money"),
    "budget_year": nullable(INTEGER),
    "support_count": COUNT,
    "comment_count": COUNT,
    "url": URL,
    "api_url": URL,
}
SCHEMAS["Milestone"] = obj(MILESTONE_PROPERTIES, "A published milestone (Etappenziel) as the list shows it.")
SCHEMAS["MilestoneDetail"] = obj({
    **MILESTONE_PROPERTIES,
    "description": {"type": "string", "description": "Markdown as written."},
    "description_html": {"type": "string", "description": "The description as sanitized HTML."},
    "easy_summary": STRING,
    "progress_method": STRING,
    "contact_role": STRING,
    "participating_departments": {"type": "array", "items": ref("DepartmentRef")},
    "champions": {"type": "array", "items": ref("Champion")},
    "children": {"type": "array", "items": ref("MilestoneRef")},
    "fundings": {"type": "array", "items": ref("Funding")},
    "history": {"type": "array", "items": ref("Change")},
    "progress_updates_url": URL,
}, "A published milestone with its description, financing, sub-milestones and history.")
SCHEMAS["ProgressUpdate"] = obj({
    "id": ID,
    "milestone": ref("MilestoneRef"),
    "reported_on": DATE,
    "title": STRING,
    "body": {"type": "string", "description": "Markdown as written."},
    "body_html": {"type": "string", "description": "The body as sanitized HTML."},
    "author_role": STRING,
    "published_at": DATE_TIME,
    "edited_at": nullable(DATE_TIME),
    "changes": {"type": "array", "items": ref("Change")},
    "url": URL,
}, "A published progress update (Fortschrittsmeldung).")


def envelope(data: dict, paginated: bool = False) -> dict:
    properties = {"data": data, "meta": ref("PageMeta" if paginated else "Meta")}
    if paginated:
        properties["links"] = ref("PageLinks")
    return obj(properties)


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGE_PARAMETERS = [
    query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
          "Page number; a page after the last one is empty."),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
          "Entries per page."),
]
FILTER_PARAMETERS = [
    query("field", SLUG, "Only milestones of this field of action (its slug)."),
    query("status", {"type": "string", "enum": STATUSES}, "Only milestones with this status."),
    query("department", SLUG, "Only milestones this department (its slug) is responsible for."),
    query("overdue", {"type": "boolean", "default": False},
          "true: only milestones whose target date has passed and that are neither completed nor cancelled."),
    query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": NO_CONTROL_CHARACTERS},
          "Words that must all occur in title, summary or description, German or English (case-insensitive)."),
    query("sort", {"type": "string", "enum": list(SORT_OPTIONS), "default": "target_date"},
          "Order: target_date (earliest first), progress (highest first), last_update (newest first), title."),
]
LANG_PARAMETER = query(
    "lang", {"type": "string", "enum": ["de", "en"], "default": "de"},
    "Language of the texts (titles, summaries, descriptions, names of fields of action, roles). "
    "en: the English text where the municipality wrote one, else the German text. "
    "Department and funding source names are always German. Any other value is a 400.",
)
CORS_HEADER = {
    "Access-Control-Allow-Origin": {
        "required": True, "schema": {"type": "string", "const": "*"},
        "description": "Every origin may read the API.",
    },
    "ETag": {
        "required": True, "schema": {"type": "string"},
        "description": "Send it back in If-None-Match: an unchanged answer is a 304 without body.",
    },
}
NOT_MODIFIED = {"description": "Not modified: the ETag in If-None-Match is still current."}


def json_answer(schema: dict, description: str) -> dict:
    return {"description": description, "headers": CORS_HEADER, "content": {"application/json": {"schema": schema}}}


def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


BAD_REQUEST = error("A parameter is invalid; `error.parameter` names it.")
NOT_FOUND = error("There is no published milestone with this id.")


def operation(operation_id: str, summary: str, ok: dict, parameters: list | None = None,
              errors: dict | None = None) -> dict:
    responses = {"200": ok, "304": NOT_MODIFIED, "400": BAD_REQUEST}
    responses.update(errors or {})
    return {"get": {
        "operationId": operation_id, "summary": summary, "parameters": [*(parameters or []), LANG_PARAMETER],
        "responses": responses,
    }}


INDEX = obj({name: URL for name in (
    "strategy", "fields", "departments", "milestones", "milestones_csv", "progress_updates", "openapi",
)}, "Where each resource of the API is.")


def paths() -> dict:
    listed = {"type": "array", "items": None}
    return {
        "/": operation("getIndex", "Links to every resource.", json_answer(envelope(INDEX), "The links.")),
        "/strategy": operation(
            "getStrategy", "The strategy with its overall progress, counts and money.",
            json_answer(envelope(ref("Strategy")), "The strategy."),
        ),
        "/fields": operation(
            "listFields", "Every field of action with its progress.",
            json_answer(envelope({**listed, "items": ref("Field")}), "The fields of action, in their order."),
        ),
        "/departments": operation(
            "listDepartments", "Every department with its progress.",
            json_answer(envelope({**listed, "items": ref("Department")}), "The departments, by name."),
        ),
        "/milestones": operation(
            "listMilestones", "Published milestones and sub-milestones, filtered, sorted and paginated.",
            json_answer(envelope({**listed, "items": ref("Milestone")}, paginated=True), "One page of milestones."),
            FILTER_PARAMETERS + PAGE_PARAMETERS, {"400": BAD_REQUEST},
        ),
        "/milestones.csv": operation(
            "downloadMilestones",
            "Every published milestone matching the filters as CSV (UTF-8 with BOM, `;`, decimal commas, ISO dates).",
            {"description": "The CSV file.", "headers": CORS_HEADER,
             "content": {"text/csv": {"schema": {"type": "string"}}}},
            FILTER_PARAMETERS, {"400": BAD_REQUEST},
        ),
        "/milestones/{milestone_id}": operation(
            "getMilestone", "One published milestone with its financing and history.",
            json_answer(envelope(ref("MilestoneDetail")), "The milestone."),
            [{"name": "milestone_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}],
            {"404": NOT_FOUND},
        ),
        "/progress-updates": operation(
            "listProgressUpdates", "Published progress updates, newest first, paginated.",
            json_answer(envelope({**listed, "items": ref("ProgressUpdate")}, paginated=True), "One page of updates."),
            [query("milestone", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                   "Only the updates of this published milestone (its id).")] + PAGE_PARAMETERS,
            {"400": BAD_REQUEST},
        ),
    }


def openapi_document() -> dict:
    config = current_app.config
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Etappen open data API",
            "version": "1.0.0",
            "description": (
                "Read-only data of the digitalization strategy: fields of action, departments, "
                "milestones (Etappenziele) with their history and financing, and progress updates. "
                "Only published content. Money is a decimal string in euros, dates are ISO 8601, "
                "timestamps UTC. Errors have the body {\"error\": {\"code\", \"message\"}}."
            ),
            "license": {"name": config["DATA_LICENCE_NAME"], "url": config["DATA_LICENCE_URL"]},
        },
        "servers": [{"url": external_url("api.index").rstrip("/")}],
        "paths": paths(),
        "components": {"schemas": SCHEMAS},
    }
