"""Cache tags from the data layer: what a page read, and what a committed write changed.

A cached page carries the tags of everything it read; a commit bumps the tags of everything it
changed. Both sides come from SQLAlchemy events, so no route and no service has to name them:

- reading: every ORM object loaded, every SELECT through the session;
- writing: every object flushed (new, changed, deleted) and every bulk INSERT, UPDATE or DELETE
  run through the session. The tags are bumped after the commit, never before.

The tags of a table ``t`` (its name in the database):

``t``          every page that read anything of ``t``. Bumped by writes whose rows are not known
               (bulk statements without a primary key in their WHERE), so it covers everything.
``t:5``        a page that loaded row 5 (and so may show any of its columns). Bumped by every
               change of row 5.
``t~rows``     a page that loaded more than ROW_TAG_LIMIT rows of ``t`` (instead of a tag each).
               Bumped by every change of any row.
``t*``         a page that selected rows of ``t`` by anything but a key (a list, a slug). Bumped
               by inserts and deletes.
``t*c``        such a page whose query named column ``c`` (in a filter, an order, a sum, or as a
               selected value). Bumped by updates that change ``c``.
``t.c=7``      a page that selected the rows of ``t`` whose foreign key ``c`` is 7 (the comments of
               milestone 7). Bumped when such a row is inserted, deleted or changed, except for
               a change of counters only.
``*``          every page: bumped by `flask cache clear` and by SQL the tags cannot read.

Counters are the columns in a model's ``__cache_counters__``: they are changed by bulk UPDATEs
that know the row's key but not its foreign keys, so a page that names them carries ``t*c``
even where it selected by a foreign key.

So a vote on milestone A bumps ``milestone:A``, ``milestone~rows`` and
``milestone*support_count``; a progress report on A bumps ``milestone:A`` and
``milestone*progress`` among others. The home page and the lists (which show A, or sum up
progress) change; milestone B's page, which read B by its slug (``milestone*``,
``milestone*slug``, ``milestone*published``) and its own rows, stays cached.
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field

from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import RelationshipProperty, Session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.dml import Delete, Insert, Update
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList, Grouping, TextClause
from sqlalchemy.sql.schema import Column
from sqlalchemy.sql.selectable import Alias, Join, Select

EVERYTHING = "*"
# A page that loads more rows of one table than this carries `t~rows` instead of a tag each
# (a list page with its sub-milestones stays under it, so a vote changes only the lists that show it).
ROW_TAG_LIMIT = 100
PENDING_KEY = "page_cache_pending_tags"


@dataclass
class Collector:
    """What one request read, and whether its answer may be stored."""

    tags: set[str] = field(default_factory=lambda: {EVERYTHING})
    rows: dict[str, set] = field(default_factory=dict)
    storable: bool = True
    rule: str = "(no route)"

    def refuse(self) -> None:
        self.storable = False

    def all_tags(self) -> list[str]:
        tags = set(self.tags)
        for table, keys in self.rows.items():
            if len(keys) > ROW_TAG_LIMIT:
                tags.add(f"{table}~rows")
            else:
                tags.update(f"{table}:{key}" for key in keys)
        return sorted(tags)


collector: ContextVar[Collector | None] = ContextVar("page_cache_collector", default=None)


def current() -> Collector | None:
    return collector.get()


def do_not_store() -> None:
    """The answer of this request must not be stored (a notice about bad input, a personal part)."""
    active = collector.get()
    if active is not None:
        active.storable = False


# ---------------------------------------------------------------------------------------------
# Reading


def _key(values) -> str:
    return ",".join(str(value) for value in values) if isinstance(values, tuple) else str(values)


def _on_load(target, context) -> None:
    active = collector.get()
    if active is None:
        return
    state = inspect(target)
    table = state.mapper.local_table.name
    active.tags.add(table)
    active.rows.setdefault(table, set()).add(_key(state.identity if len(state.identity) > 1 else state.identity[0]))


def _base_table(from_clause):
    while isinstance(from_clause, Alias):
        from_clause = from_clause.element
    return from_clause if isinstance(from_clause, Table) else None


def _tables_of(from_clause, found: list[Table]) -> None:
    if isinstance(from_clause, Join):
        _tables_of(from_clause.left, found)
        _tables_of(from_clause.right, found)
        return
    table = _base_table(from_clause)
    if table is not None:
        found.append(table)


def _conjuncts(criteria):
    for criterion in criteria:
        while isinstance(criterion, Grouping):
            criterion = criterion.element
        if isinstance(criterion, BooleanClauseList) and criterion.operator is operators.and_:
            yield from _conjuncts(criterion.clauses)
        else:
            yield criterion


def _bound_values(param: BindParameter, parameters) -> list | None:
    """The values a bound parameter stands for, or None when they are not known here."""
    if isinstance(parameters, dict) and param.key in parameters:
        value = parameters[param.key]
    elif param.callable is not None:
        value = param.callable()
    else:
        value = param.value
    if value is None:
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        values = list(value)
        if any(item is None or isinstance(item, (list, tuple, dict)) for item in values):
            return None
        return values
    return [value]


def _equalities(criteria, parameters) -> dict[tuple[str, str], list]:
    """Top-level `column = value` and `column IN (values)` conditions, by (table, column) name.

    Names, not objects: the ORM hands out annotated copies of the same table."""
    found: dict[tuple[str, str], list] = {}
    for criterion in _conjuncts(criteria):
        if not isinstance(criterion, BinaryExpression):
            continue
        if criterion.operator not in (operators.eq, operators.in_op):
            continue
        column, value = criterion.left, criterion.right
        if not isinstance(column, Column) or not isinstance(value, BindParameter):
            continue
        table = _base_table(column.table)
        if table is None:
            continue
        values = _bound_values(value, parameters)
        if values is not None:
            found[(table.name, column.name)] = values
    return found


def _table_of_column(column) -> Table | None:
    return _base_table(column.table) if isinstance(column, Column) and column.table is not None else None


def _counter_columns(table: Table) -> frozenset[str]:
    return COUNTERS.get(table.name, frozenset())


def _select_tags(statement, parameters) -> tuple[set[str], bool]:
    """Tags of a SELECT, and whether the statement could be read."""
    tags: set[str] = set()
    selects: list[Select] = []
    named: dict[str, set[str]] = {}  # table -> the columns the statement names
    for element in visitors.iterate(statement):
        if isinstance(element, Select):
            selects.append(element)
        elif isinstance(element, Column):
            table = _table_of_column(element)
            if table is not None:
                named.setdefault(table.name, set()).add(element.name)
        elif isinstance(element, TextClause):
            return tags, False
    for select_ in selects:
        tables: list[Table] = []
        for from_clause in select_.get_final_froms():
            _tables_of(from_clause, tables)
        equal = _equalities(select_._where_criteria, parameters)
        for table in tables:
            name = table.name
            tags.add(name)
            columns = named.get(name, set())
            primary = [column.name for column in table.primary_key.columns]
            if len(primary) == 1 and (name, primary[0]) in equal:
                tags.update(f"{name}:{value}" for value in equal[(name, primary[0])])
                continue
            scoped = [
                (column, values) for (owner, column), values in equal.items()
                if owner == name and table.columns[column].foreign_keys
            ]
            if scoped:
                column, values = scoped[0]
                tags.update(f"{name}.{column}={value}" for value in values)
                # Counters change without their row's foreign keys being known (bulk UPDATE).
                tags.update(f"{name}*{column}" for column in columns & _counter_columns(table))
            else:
                tags.add(f"{name}*")
                tags.update(f"{name}*{column}" for column in columns)
    for option in getattr(statement, "_with_options", ()):
        for load in getattr(option, "context", ()):
            for token in getattr(load, "path", ()):
                if isinstance(token, RelationshipProperty):
                    for target in (token.target, token.secondary):
                        table = _base_table(target) if target is not None else None
                        if table is not None:
                            tags.update((table.name, f"{table.name}*"))
                            # Which rows join in depends on their foreign keys.
                            tags.update(f"{table.name}*{column.name}" for column in table.columns if column.foreign_keys)
    return tags, True


# ---------------------------------------------------------------------------------------------
# Writing


def _pending(session: Session) -> set[str]:
    return session.info.setdefault(PENDING_KEY, set())


_UNLOADED = object()


def _foreign_key_values(table: Table, get) -> list[str]:
    """The tags `t.c=value` of a row's foreign keys; `t` itself (every reader of the table)
    when one of them is not loaded (an expired attribute), since then nobody knows its scope."""
    tags = []
    for column in table.columns:
        if column.foreign_keys:
            value = get(column)
            if value is _UNLOADED:
                return [table.name]
            if value is not None:
                tags.append(f"{table.name}.{column.name}={value}")
    return tags


def row_change_tags(table: Table, key, changed: set[str] | None, foreign_keys: set[str],
                    counters_only: bool = False) -> set[str]:
    """Tags a change of one row bumps. `changed`: the columns an UPDATE changed (None for an
    INSERT or DELETE); `foreign_keys`: the row's foreign-key tags before and after."""
    name = table.name
    tags = {f"{name}:{key}", f"{name}~rows"}
    if changed is None:
        tags.add(f"{name}*")
    else:
        tags.update(f"{name}*{column}" for column in changed)
    if not counters_only:
        tags.update(foreign_keys)
    return tags


def _property(mapper, column):
    try:
        return mapper.get_property_by_column(column)
    except Exception:  # a column the class does not map
        return None


def _object_tags(obj, change: str) -> set[str]:
    state = inspect(obj)
    mapper = state.mapper
    table = mapper.local_table
    identity = state.identity or mapper.primary_key_from_instance(obj)
    key = _key(tuple(identity) if len(identity) > 1 else identity[0])
    tags: set[str] = set()
    for relationship in mapper.relationships:
        if relationship.secondary is not None:
            history = state.attrs[relationship.key].history
            if history.added or history.deleted:
                tags.add(relationship.secondary.name)

    def current_value(column):
        prop = _property(mapper, column)
        return state.dict.get(prop.key, _UNLOADED) if prop is not None else None

    if change != "update":
        return tags | row_change_tags(table, key, None, set(_foreign_key_values(table, current_value)))

    changed = set()
    old: dict[str, object] = {}
    for column in table.columns:
        prop = _property(mapper, column)
        if prop is None:
            continue
        history = state.attrs[prop.key].history
        if history.has_changes():
            changed.add(column.name)
            if history.deleted:
                old[column.name] = history.deleted[0]
    if not changed:
        return tags
    foreign_keys = set(_foreign_key_values(table, current_value))
    foreign_keys.update(_foreign_key_values(table, lambda column: old.get(column.name, current_value(column))))
    return tags | row_change_tags(table, key, changed, foreign_keys, counters_only=changed <= _counter_columns(table))


def _after_flush(session: Session, flush_context) -> None:
    pending = _pending(session)
    for obj in session.new:
        pending |= _object_tags(obj, "insert")
    for obj in session.deleted:
        pending |= _object_tags(obj, "delete")
    for obj in session.dirty:
        if session.is_modified(obj):
            pending |= _object_tags(obj, "update")


def _statement_table(statement) -> Table | None:
    return _base_table(statement.table)


def write_tags(statement, parameters, session: Session | None = None) -> set[str]:
    """Tags a bulk INSERT, UPDATE or DELETE bumps (everything when it cannot be read)."""
    table = _statement_table(statement)
    if table is None:
        return {EVERYTHING}
    name = table.name
    if isinstance(statement, Insert):
        rows = parameters if isinstance(parameters, list) else [parameters or {}]
        values = dict(statement._values or {}) if statement._values else {}
        tags = {f"{name}*", f"{name}~rows"}
        for row in rows:
            merged = {**{getattr(k, "key", k): getattr(v, "value", v) for k, v in values.items()}, **(row or {})}
            for column in table.columns:
                if column.foreign_keys and merged.get(column.key) is not None:
                    tags.add(f"{name}.{column.name}={merged[column.key]}")
        return tags
    primary = [column.name for column in table.primary_key.columns]
    keys = _equalities(statement._where_criteria, parameters).get((name, primary[0])) if len(primary) == 1 else None
    if keys is None:
        return {name}  # rows not known: everything that read the table
    set_columns: set[str] | None = None
    if isinstance(statement, Update):
        set_columns = {getattr(column, "key", column) for column in (statement._values or {})}
        if statement._ordered_values:
            set_columns |= {getattr(column, "key", column) for column, _ in statement._ordered_values}
        if set_columns <= _counter_columns(table):
            tags = {f"{name}~rows"} | {f"{name}*{column}" for column in set_columns}
            return tags | {f"{name}:{key}" for key in keys}
    # The rows are known by key; their foreign keys are known if the session holds them.
    tags: set[str] = set()
    mapper = MAPPERS.get(name)
    for key in keys:
        held = session.identity_map.get(mapper.identity_key_from_primary_key([key])) if (
            session is not None and mapper is not None) else None
        if held is None:
            return {name}
        state = inspect(held)
        committed = {column: state.committed_state.get(prop.key, state.dict.get(prop.key, _UNLOADED))
                     for column in table.columns if (prop := _property(mapper, column)) is not None}
        foreign_keys = set(_foreign_key_values(table, lambda column: committed.get(column)))
        tags |= row_change_tags(table, key, set_columns, foreign_keys)
    return tags


def _do_orm_execute(state) -> None:
    statement = state.statement
    if state.is_select:
        active = collector.get()
        if active is None:
            return
        tags, readable = _select_tags(statement, state.parameters)
        active.tags |= tags
        if not readable:
            active.refuse()
        return
    if isinstance(statement, (Insert, Update, Delete)):
        _pending(state.session).update(write_tags(statement, state.parameters, state.session))
    elif isinstance(statement, TextClause):
        # Plain SQL: a read is not taggable, a write may have changed anything.
        if statement.text.lstrip()[:6].upper() == "SELECT":
            active = collector.get()
            if active is not None:
                active.refuse()
        else:
            _pending(state.session).add(EVERYTHING)


# Table name -> its counter columns, filled from the models' __cache_counters__; and its mapper.
COUNTERS: dict[str, frozenset[str]] = {}
MAPPERS: dict[str, object] = {}
_on_commit: list = []


def install(base, on_commit) -> None:
    """Listen to the ORM once per process: `on_commit(tags)` runs after each commit that
    changed something (in the app context of the commit)."""
    for mapper in base.registry.mappers:
        MAPPERS[mapper.local_table.name] = mapper
        counters = getattr(mapper.class_, "__cache_counters__", None)
        if counters:
            COUNTERS[mapper.local_table.name] = frozenset(counters)
    if _on_commit:
        return
    _on_commit.append(on_commit)
    event.listen(base, "load", _on_load, propagate=True)
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _do_orm_execute)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    tags = session.info.pop(PENDING_KEY, None)
    if tags:
        for callback in _on_commit:
            callback(tags)


def _after_rollback(session: Session, previous_transaction) -> None:
    # A rolled-back write changed nothing; bumping its tags anyway costs a miss at most, and
    # keeps a page that a flush in this transaction could have shown from ever being served.
    if previous_transaction.parent is None:
        _after_commit(session)
