"""Profile pages of a benchmark database in-process: time, SQL statements, pyinstrument tree.

    .venv/bin/python -m bench.profile sqlite:///bench/data/etappen_bench_large.sqlite / /etappenziele
    (--tree prints pyinstrument's call tree of each path; --explain the query plans)
"""
from __future__ import annotations

import argparse
import time

from sqlalchemy import event

from bench.run import make_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--tree", action="store_true")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    app = make_app(args.url)
    app.config["LOG_REQUESTS"] = False
    statements: list[tuple[str, float]] = []
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["started"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, (time.perf_counter() - conn.info["started"]) * 1000))
        if args.explain and statement.lstrip().upper().startswith("SELECT"):
            prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
            plan = conn.exec_driver_sql(prefix + statement, parameters).fetchall()
            print("   ", statement.replace("\n", " ")[:160])
            for row in plan:
                print("      ", row[-1])

    client = app.test_client()
    for path in args.paths:
        client.get(path)  # warm
        statements.clear()
        status = client.get(path).status_code
        counted = list(statements)
        started = time.perf_counter()
        for _ in range(args.repeat):
            client.get(path)
        per_request = (time.perf_counter() - started) * 1000 / args.repeat
        slowest = sorted(counted, key=lambda item: -item[1])[:3]
        print(f"{path}: {status}, {per_request:.1f} ms/request, {len(counted)} statements, "
              f"{sum(ms for _, ms in counted):.1f} ms in SQL")
        for statement, ms in slowest:
            print(f"    {ms:7.2f} ms  {' '.join(statement.split())[:200]}")
        if args.tree:
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(5):
                client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
