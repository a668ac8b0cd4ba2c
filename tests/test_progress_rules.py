"""The progress rules of app/progress.py, pinned."""
from datetime import timedelta

from app.progress import Rollup, effective_progress, is_overdue, today
from tests.builders import make_field, make_milestone


def test_weighted_rollup_leaves_cancelled_out(db):
    field = make_field()
    a = make_milestone(field=field, progress=100, status="completed", weight=3)
    b = make_milestone(field=field, progress=20, weight=1)
    cancelled = make_milestone(field=field, progress=90, status="cancelled", weight=5)
    rollup = Rollup([a, b, cancelled])
    assert rollup.progress == (3 * 100 + 1 * 20) / 4
    assert rollup.cancelled == [cancelled]
    assert len(rollup.counted) == 2


def test_parent_progress_is_weighted_mean_of_published_children(db):
    parent = make_milestone(progress=5)
    make_milestone(parent=parent, field=parent.field, progress=50, weight=1)
    make_milestone(parent=parent, field=parent.field, progress=100, status="completed", weight=3)
    make_milestone(parent=parent, field=parent.field, progress=0, status="cancelled")
    make_milestone(parent=parent, field=parent.field, progress=0, published=False)
    db.session.refresh(parent)
    assert effective_progress(parent) == (50 + 300) / 4


def test_completed_means_100(db):
    m = make_milestone(status="completed")
    assert m.progress == 100
    assert effective_progress(m) == 100


def test_overdue_is_derived(db):
    past = today() - timedelta(days=1)
    assert is_overdue(make_milestone(target_date=past, status="in_progress"))
    assert is_overdue(make_milestone(target_date=past, status="on_hold"))
    assert not is_overdue(make_milestone(target_date=past, status="completed"))
    assert not is_overdue(make_milestone(target_date=past, status="cancelled"))
    assert not is_overdue(make_milestone(target_date=today(), status="planned"))
