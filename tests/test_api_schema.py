"""The API keeps the promises of its OpenAPI document: schemathesis generates requests from it.

Every operation, positive and negative examples (capped, so the run stays short): no
answer is a server error, every status code, content type, header and body matches the
document, and invalid input is refused with a 4xx.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

from app.models import ChangeKind, MilestoneChange
from app.progress import today
from tests.builders import make_department, make_field, make_funding, make_milestone, make_strategy, make_update

MAX_EXAMPLES = 25
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


def fresh_context(app):
    """The app as WSGI callable that gives each request its own app context, as in production."""

    def wsgi(environ, start_response):
        with app.app_context():
            return app.wsgi_app(environ, start_response)

    return wsgi


@pytest.fixture
def api_schema(app, db):
    make_strategy()
    field = make_field("Bürgerservice online", slug="buergerservice")
    department = make_department("Bürgeramt", slug="buergeramt")
    milestone = make_milestone("Bürgerkonto", slug="buergerkonto", field=field, department=department,
                               planned=Decimal("100.10"), target_date=today() - timedelta(days=3))
    make_funding(milestone, "100.10", source_name="Eigenmittel")
    update = make_update(milestone, title="Start")
    db.session.add(MilestoneChange(milestone=milestone, progress_update=update, changed_on=today(),
                                   kind=ChangeKind.STATUS.value, old_value="planned", new_value="in_progress"))
    make_milestone("Teilziel", slug="teilziel", field=field, parent=milestone, status="completed")
    make_milestone("Entwurf", slug="entwurf", field=field, published=False)
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fresh_context(app))


def operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
def test_api_answers_match_the_openapi_document(api_schema, mode):
    # schemathesis' Python API, without its pytest plugin: one hypothesis run per operation.
    found = operations(api_schema)
    assert {op.path for op in found} == {
        "/", "/strategy", "/fields", "/departments", "/milestones", "/milestones.csv",
        "/milestones/{milestone_id}", "/progress-updates",
    }
    for operation in found:
        if mode == GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to get wrong
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(checks=CHECKS)

        run()
