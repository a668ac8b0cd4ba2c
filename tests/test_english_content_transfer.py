"""CSV export and import of the English texts: optional columns, exact round trip."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.extensions import db as _db
from app.models import Milestone, ProgressUpdate
from app.transfer import services
from tests.builders import make_milestone
from tests.builders.transfer import make_scene


def rows_of(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def by_slug(slug: str) -> Milestone:
    _db.session.expire_all()
    return _db.session.scalar(select(Milestone).where(Milestone.slug == slug))


def test_export_has_english_columns_and_round_trips(db):
    scene = make_scene()
    make_milestone("Online-Antrag", slug="antrag", field=scene.buergerservice, department=scene.buergeramt,
                   title_en="Online application", summary_en="-2 forms", description_en="**Bold**\nnext",
                   contact_role_en="Head of office")
    db.session.commit()
    first = services.export_csv(scene.admin, "de")
    row = rows_of(first)[0]
    assert (row["title_en"], row["summary_en"], row["contact_role_en"]) == ("Online application", "'-2 forms", "Head of office")
    assert row["description_en"] == "**Bold**\nnext"
    assert "update_title_en" in row and "update_body_en" in row

    report = services.run_import(scene.admin, first, "de", apply=True)
    assert report.ok and [r.action for r in report.rows] == ["unchanged"]
    assert services.export_csv(scene.admin, "de") == first


def test_import_sets_english_texts_and_files_without_them_keep_them(db):
    scene = make_scene()
    make_milestone("Online-Antrag", slug="antrag", field=scene.buergerservice, department=scene.buergeramt,
                   title_en="Old English")
    db.session.commit()

    old_file = "slug;title;summary\r\nantrag;Online-Antrag;Neu\r\n".encode()
    assert services.run_import(scene.admin, old_file, "de", apply=True).ok
    assert by_slug("antrag").title_en == "Old English" and by_slug("antrag").summary == "Neu"

    new_file = ("slug;title_en;description_en;update_title;update_title_en;update_body_en;update_author_role\r\n"
                "antrag;Online application;*New*;Start;Launch;We *started*;Leitung\r\n").encode()
    report = services.run_import(scene.admin, new_file, "de", apply=True)
    assert report.ok, report.row_errors
    milestone = by_slug("antrag")
    assert milestone.title_en == "Online application"
    assert "<em>New</em>" in milestone.description_en_html
    update = _db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.milestone_id == milestone.id))
    assert update.title_en == "Launch" and "<em>started</em>" in update.body_en_html


def test_english_update_text_without_german_title_is_a_row_error(db):
    scene = make_scene()
    make_milestone("Online-Antrag", slug="antrag", field=scene.buergerservice, department=scene.buergeramt)
    db.session.commit()
    report = services.run_import(scene.admin, "slug;update_title_en\r\nantrag;Launch\r\n".encode(), "de", apply=False)
    assert not report.ok
