"""The backend lists show a parent milestone's progress as the public pages do: rolled up from its sub-milestones."""
from __future__ import annotations

import re

import pytest

from app.extensions import db as _db
from tests.builders import make_admin, make_department, make_editor, make_field, make_milestone

NBSP = "\xa0"


@pytest.fixture
def tree(db):
    """A parent at a stored 0 % with sub-milestones: done (weight 2), 30 %, cancelled, and a draft."""
    department = make_department(name="Schulverwaltung")
    field = make_field(name="Digitale Schulen")
    parent = make_milestone("WLAN in allen Schulen", field=field, department=department, progress=0)
    make_milestone("WLAN Grundschulen", field=field, parent=parent, department=department,
                   status="completed", weight=2)
    make_milestone("WLAN weiterführende Schulen", field=field, parent=parent, department=department, progress=30)
    make_milestone("WLAN abgebrochen", field=field, parent=parent, department=department,
                   status="cancelled", progress=90)
    make_milestone("WLAN Entwurf", field=field, parent=parent, department=department, progress=90, published=False)
    make_milestone("Tablets", field=field, department=department, progress=40)
    editor = make_editor(department)
    admin = make_admin()
    _db.session.commit()
    return parent, editor, admin


def progress_cell(html: str, title: str) -> str:
    """The text of the progress cell in the table row headed by `title`."""
    row = re.search(rf'<th scope="row">(?:<span lang="de">)?{re.escape(title)}(?:</span>)?\s*(?:<span class="sub">|<span class="tag|</th>).*?</tr>',
                    html, re.S).group(0)
    cell = next(c for c in re.findall(r"<td>(.*?)</td>", row, re.S) if "progress-cell" in c)
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def test_public_page_and_backend_lists_show_the_same_rolled_up_progress(auth, client, tree):
    parent, editor, admin = tree
    # (2 * 100 + 30) / 3, the cancelled and the unpublished sub-milestones left out
    public = client.get(f"/etappenziele/{parent.slug}").get_data(as_text=True)
    assert f"76,7{NBSP}%" in public
    auth.sign_in(editor)
    dashboard = client.get("/verwaltung").get_data(as_text=True)
    mine = dashboard[dashboard.index('id="mine-title"'):dashboard.index('id="overdue-title"')]
    assert progress_cell(mine, "WLAN in allen Schulen").startswith(f"76,7{NBSP}%")
    assert "berechnet aus den Teilzielen" in progress_cell(mine, "WLAN in allen Schulen")
    assert progress_cell(mine, "Tablets") == f"40{NBSP}% 40{NBSP}%"
    listed = client.get("/verwaltung/etappenziele").get_data(as_text=True)
    assert progress_cell(listed, "WLAN in allen Schulen").startswith(f"76,7{NBSP}%")
    assert 'value="76.7"' in listed
    assert "berechnet aus den Teilzielen" not in progress_cell(listed, "WLAN Grundschulen")
    auth.sign_in(admin)
    english = client.get("/en/verwaltung/etappenziele").get_data(as_text=True)
    assert "76.7" in progress_cell(english, "WLAN in allen Schulen")
    assert "calculated from the sub-milestones" in progress_cell(english, "WLAN in allen Schulen")
