"""Pagination of a select with a count statement of its own."""
from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from app.extensions import db


class CountedPagination(SelectPagination):
    """db.paginate's pagination, counted by the given statement.

    db.paginate counts over a subquery of the whole select: a proxy of every column of the
    entity, made and cache-keyed again for every page view. A `SELECT count(id) ... WHERE`
    of the same filters gives the same number. Both statements may have bound parameters.
    """

    def _query_items(self) -> list:
        args = self._query_args
        select = args["select"].limit(self.per_page).offset(self._query_offset)
        return list(args["session"].execute(select, args["params"]).unique().scalars())

    def _query_count(self) -> int:
        args = self._query_args
        return args["session"].execute(args["count_select"], args["params"]).scalar()


def paginate(select: Select, count_select: Select, page: int, per_page: int, params: dict | None = None) -> Pagination:
    """One page of `select` (page numbers past the end give no items, no 404); `params` are
    the values of both statements' bound parameters."""
    return CountedPagination(select=select, count_select=count_select, params=params or {},
                             session=db.session(), page=page, per_page=per_page, max_per_page=None,
                             error_out=False, count=True)
