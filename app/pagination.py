"""Pagination of a select with a count statement of its own."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from app.extensions import db


class CountedPagination(SelectPagination):
    """db.paginate's pagination, counted by the given statement.

    db.paginate counts over a subquery of the whole select: a proxy of every column of the
    entity, made and cache-keyed again for every page view. A `SELECT count(id) ... WHERE`
    of the same filters gives the same number.
    """

    def _query_count(self) -> int:
        return self._query_args["session"].execute(self._query_args["count_select"]).scalar()


def paginate(select: Select, count_select: Select, page: int, per_page: int) -> Pagination:
    """One page of `select` (page numbers past the end give no items, no 404)."""
    return CountedPagination(select=select, count_select=count_select, session=db.session(),
                             page=page, per_page=per_page, error_out=False, count=True)
