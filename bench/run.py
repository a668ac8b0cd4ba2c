"""The benchmark: `make bench` (or `.venv/bin/python -m bench.run --help`).

For each database (SQLite, PostgreSQL): builds the large dataset and the demo dataset, serves
the portal and the one-route hello app with gunicorn (2 workers, gunicorn.conf.py), and
measures with wrk, app and hello alternating target by target. Prints a table and writes
bench/results/<database>.json and .md. Exits with 1 when any answer was not 2xx/3xx, a POST
file ran out of unused account/milestone pairs, or wrk saw socket errors.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Milestone, User, UserRole
from bench import dataset as generator
from bench import sessions

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
LUA = BENCH / "lua" / "bench.lua"
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SECRET_KEY = "bench-only-not-secret-0123456789abcdef"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
APP_PORT, HELLO_PORT, DEMO_PORT = 8731, 8732, 8733
POST_CAPACITY = 8_000  # unused account/milestone pairs per wrk run of a POST target
HIGH_LIMIT = "1000000 per minute"

# What each target is held to (ratio to the hello app's requests/s), as in issue 7.
RATIO_TARGETS = {"page": 0.5, "feed": 0.7, "feed304": 0.9, "vote": 0.3}
LATENCY_FACTOR = 1.3


@dataclass
class Target:
    name: str
    kind: str            # page, feed, feed304, api, comment, vote
    path: str
    headers: str = "-"   # "Name: value|Name: value"
    post_file: str = "-"


@dataclass
class Measurement:
    target: str
    kind: str
    dataset: str
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int
    exhausted: int
    socket_errors: int
    bad_statuses: str
    hello_rps: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.rps / self.hello_rps if self.hello_rps else None


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def server_env(url: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "ETAPPEN_CONFIG": "production",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "MAIL_OUTBOX_DIR": str(DATA / "outbox"),
        "FLASK_APP": "wsgi",
        # The bench posts far more than a person could; the limiter still runs on every request.
        **{f"{kind}_LIMIT_PER_{who}": HIGH_LIMIT for kind in ("COMMENT", "VOTE") for who in ("ACCOUNT", "IP")},
    })
    return env


def flask(url: str, *args: str) -> None:
    done = subprocess.run([str(PY), "-m", "flask", *args], cwd=ROOT, env=server_env(url, APP_PORT),
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def fresh_database(kind: str, name: str) -> str:
    if kind == "sqlite":
        path = DATA / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    subprocess.run(["psql", PG_ADMIN, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"DROP DATABASE IF EXISTS {name}",
                    "-c", f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
    return PG_URL.format(name=name)


def make_app(url: str):
    return create_app("development", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=SECRET_KEY)


def build(kind: str, dataset: str, scale: float) -> tuple[str, dict]:
    """A fresh database: schema by `flask db upgrade`, demo data, and for "large" the bulk data."""
    name = f"etappen_bench_{dataset}"
    url = fresh_database(kind, name)
    started = time.perf_counter()
    flask(url, "db", "upgrade")
    flask(url, "seed-demo")
    info: dict = {}
    if dataset == "large":
        app = make_app(url)
        report = generator.generate(app, scale=scale, log=log)
        problems = generator.check_counters(app)
        if problems:
            raise SystemExit(f"counters differ from the rows: {problems}")
        info = {"rows": report.counts, "generate_seconds": round(report.seconds, 1)}
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()
    info["build_seconds"] = round(time.perf_counter() - started, 1)
    return url, info


def busiest_milestone(url: str) -> str:
    app = make_app(url)
    with app.app_context():
        slug = db.session.scalar(
            Milestone.select_published().with_only_columns(Milestone.slug)
            .order_by(Milestone.comment_count.desc(), Milestone.id).limit(1)
        )
        db.engine.dispose()
    return slug


def start(module: str, url: str, port: int, log_name: str) -> subprocess.Popen:
    log_file = open(DATA / log_name, "w")
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", module], cwd=ROOT, env=server_env(url, port),
        stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
            return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {module} ended; see {DATA / log_name}")
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"gunicorn {module} did not answer on port {port}; see {DATA / log_name}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def validators(port: int, path: str) -> str:
    """The conditional headers a client that has the current version would send."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:
        etag, modified = answer.headers.get("ETag"), answer.headers.get("Last-Modified")
    if not etag:
        raise SystemExit(f"{path} sends no ETag")
    headers = [f"If-None-Match: {etag}"] + ([f"If-Modified-Since: {modified}"] if modified else [])
    return "|".join(headers)


def wrk(port: int, target: Target, seconds: float, args, first: int = 0) -> dict:
    command = [
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--timeout", "10s",
        "-s", str(LUA), f"http://127.0.0.1:{port}{target.path if target.post_file == '-' else '/'}",
        "--", target.headers, target.post_file, str(first), str(POST_CAPACITY), str(args.threads),
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {' '.join(command)}\n{done.stdout}{done.stderr}")
    output = done.stdout
    match = re.search(r"^BENCH (\{.*\})$", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{output}")
    return json.loads(match.group(1))


def to_measurement(target: Target, dataset: str, raw: dict) -> Measurement:
    errors = raw["errors"]
    return Measurement(
        target=target.name, kind=target.kind, dataset=dataset,
        rps=raw["requests"] / (raw["duration_us"] / 1e6), p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000, requests=raw["requests"], bad=raw["bad"], exhausted=raw["exhausted"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        bad_statuses=raw["bad_statuses"].strip(),
    )


def combine(runs: list[Measurement]) -> Measurement:
    """Several runs of one target as one: requests over total time, mean p50 and p99, every error."""
    seconds = sum(m.requests / m.rps for m in runs)
    first = runs[0]
    return Measurement(
        target=first.target, kind=first.kind, dataset=first.dataset,
        rps=sum(m.requests for m in runs) / seconds,
        p50_ms=sum(m.p50_ms for m in runs) / len(runs), p99_ms=sum(m.p99_ms for m in runs) / len(runs),
        requests=sum(m.requests for m in runs), bad=sum(m.bad for m in runs),
        exhausted=sum(m.exhausted for m in runs), socket_errors=sum(m.socket_errors for m in runs),
        bad_statuses=" ".join(m.bad_statuses for m in runs if m.bad_statuses),
    )


class PostFiles:
    """Request files for the POST targets; every wrk run reads its own unused slice."""

    def __init__(self):
        self.next_line = {"comment": 0, "vote": 0}

    def slice(self, kind: str) -> int:
        first = self.next_line[kind]
        self.next_line[kind] += POST_CAPACITY
        return first


def prepare_posts(url: str, runs: int) -> dict[str, Path]:
    app = make_app(url)
    with app.app_context():
        citizens = list(db.session.scalars(
            select(User.id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "citizen", User.email_confirmed_at.is_not(None)).order_by(User.id).limit(4000)
        ))
    slugs = sessions.published_slugs(app)
    files = {}
    needed = runs * POST_CAPACITY
    votes = sessions.vote_requests(app, citizens, slugs, needed)
    comments = sessions.comment_requests(app, citizens, sorted(slugs.values()), needed)
    if len(votes) < needed:
        raise SystemExit(f"only {len(votes)} unused account/milestone pairs for votes, {needed} needed")
    for kind, lines in (("vote", votes), ("comment", comments)):
        path = DATA / f"{kind}-requests.tsv"
        path.write_text("\n".join(lines) + "\n")
        files[kind] = path
    with app.app_context():
        db.engine.dispose()
    return files


def measure_database(kind: str, args) -> dict:
    load_before = os.getloadavg()
    log(f"{kind}: building the large dataset (scale {args.scale})")
    large_url, large_info = build(kind, "large", args.scale)
    log(f"{kind}: large dataset ready: {large_info}")
    demo_url, demo_info = build(kind, "demo", args.scale)
    busiest = busiest_milestone(large_url)
    post_files = prepare_posts(large_url, runs=2 * args.rounds)
    # The form start stamps must be older than FORM_MIN_FILL_SECONDS.
    time.sleep(3)

    # All three servers run at once (an idle one costs nothing) and every target is measured on
    # the large data, the hello app and the demo data in turn, so drift in the machine's load
    # hits all three alike.
    servers = []
    results: list[Measurement] = []
    try:
        servers.append(start("bench.hello:app", "sqlite://", HELLO_PORT, f"gunicorn-hello-{kind}.log"))
        servers.append(start("wsgi:app", large_url, APP_PORT, f"gunicorn-app-{kind}-large.log"))
        servers.append(start("wsgi:app", demo_url, DEMO_PORT, f"gunicorn-app-{kind}-demo.log"))
        feed = "/feeds/fortschritt.atom"
        ports = {"large": APP_PORT, "demo": DEMO_PORT}
        slugs = {"large": busiest, "demo": busiest_milestone(demo_url)}

        def targets(dataset: str) -> list[Target]:
            return [
                Target("home page", "page", "/"),
                Target("milestone list", "page", "/etappenziele"),
                Target("milestone page, most comments", "page", f"/etappenziele/{slugs[dataset]}"),
                Target("Atom feed (full answer)", "feed", feed),
                Target("Atom feed (304)", "feed304", feed, headers=validators(ports[dataset], feed)),
                Target("API milestone list", "api", "/api/v1/milestones"),
            ]

        rounds = list(zip(targets("large"), targets("demo"))) + [
            (Target("comment POST", "comment", "/", post_file=str(post_files["comment"])), None),
            (Target("vote POST", "vote", "/", post_file=str(post_files["vote"])), None),
        ]
        slices = PostFiles()
        hello_target = Target("hello", "hello", "/")
        def measure(port: int, target: Target, dataset: str) -> Measurement:
            posting = target.kind in ("comment", "vote")
            wrk(port, target, args.warmup, args, slices.slice(target.kind) if posting else 0)
            raw = wrk(port, target, args.duration, args, slices.slice(target.kind) if posting else 0)
            return to_measurement(target, dataset, raw)

        for large_target, demo_target in rounds:
            # Each round in the opposite order of the one before: large, hello, demo, then
            # demo, hello, large; rates add up over the rounds, latencies are averaged.
            runs: dict[str, list[Measurement]] = {"large": [], "hello": [], "demo": []}
            for number in range(args.rounds):
                order = [("large", APP_PORT, large_target), ("hello", HELLO_PORT, hello_target)]
                if demo_target is not None:
                    order.append(("demo", DEMO_PORT, demo_target))
                for dataset, port, target in (order if number % 2 == 0 else order[::-1]):
                    runs[dataset].append(measure(port, target, dataset))
            hello_rps = combine(runs["hello"]).rps
            measured = [combine(runs[d]) for d in ("large", "demo") if runs[d]]
            for m in measured:
                m.hello_rps = hello_rps
                log(f"{kind}/{m.dataset}: {m.target}: {m.rps:.0f} req/s, p50 {m.p50_ms:.1f} ms, "
                    f"hello {hello_rps:.0f} req/s, ratio {m.ratio:.2f}"
                    + (f", BAD {m.bad} ({m.bad_statuses})" if m.bad else ""))
            results += measured
    finally:
        for server in servers:
            stop(server)
    results.sort(key=lambda m: m.dataset != "large")
    return {
        "server_side_median_ms": server_side_medians(kind),
        "database": kind,
        "load_before": load_before,
        "large": large_info,
        "busiest_milestone": busiest,
        "measurements": [asdict(m) | {"ratio": m.ratio} for m in results],
    }


def server_side_medians(kind: str) -> dict[str, dict[str, float]]:
    """Median time the app itself took per route (its JSON request log), large and demo.

    Without wrk's queueing in front of the two workers: what a request costs in the worker,
    still including the CPU the machine's other load takes away.
    """
    medians: dict[str, dict[str, float]] = {}
    for dataset in ("large", "demo"):
        durations: dict[str, list[float]] = {}
        path = DATA / f"gunicorn-app-{kind}-{dataset}.log"
        for line in path.read_text().splitlines() if path.exists() else []:
            if '"etappen.request"' not in line:
                continue
            entry = json.loads(line)
            durations.setdefault(f"{entry['method']} {entry['rule']} {entry['status']}", []).append(entry["duration_ms"])
        medians[dataset] = {route: round(statistics.median(values), 1) for route, values in durations.items()}
    return medians


def verdicts(result: dict) -> list[dict]:
    """Each target of issue 7 with its numbers: met or not met."""
    rows = []
    by_key = {(m["dataset"], m["target"]): m for m in result["measurements"]}
    for m in result["measurements"]:
        if m["dataset"] != "large":
            continue
        kind = "page" if m["kind"] == "page" else m["kind"]
        if kind in RATIO_TARGETS and m["ratio"] is not None:
            goal = RATIO_TARGETS[kind]
            rows.append({"target": f"{m['target']}: ratio ≥ {goal}", "value": f"{m['ratio']:.2f}",
                         "met": m["ratio"] >= goal})
        demo = by_key.get(("demo", m["target"]))
        if demo is not None:
            factor = m["p50_ms"] / demo["p50_ms"] if demo["p50_ms"] else float("inf")
            rows.append({"target": f"{m['target']}: p50 large ≤ {LATENCY_FACTOR}× demo",
                         "value": f"{m['p50_ms']:.1f} / {demo['p50_ms']:.1f} ms = {factor:.2f}×",
                         "met": factor <= LATENCY_FACTOR})
    return rows


def failures(result: dict) -> list[str]:
    found = []
    for m in result["measurements"]:
        if m["bad"] or m["exhausted"] or m["socket_errors"]:
            found.append(f"{result['database']}/{m['dataset']}/{m['target']}: {m['bad']} answers not 2xx/3xx "
                         f"({m['bad_statuses']}), exhausted={m['exhausted']}, socket errors={m['socket_errors']}")
    return found


def markdown(result: dict, args) -> str:
    lines = [
        f"### {result['database']}",
        "",
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} × {args.duration:g} s per target and server "
        f"(each after {args.warmup:g} s warm-up, order reversed each round); gunicorn 2 workers (gunicorn.conf.py); scale {args.scale:g}; "
        f"busiest milestone `{result['busiest_milestone']}`. Load average (1/5/15 min) before: "
        f"{'/'.join(f'{x:.1f}' for x in result['load_before'])}, after: "
        f"{'/'.join(f'{x:.1f}' for x in result.get('load_after', ()))} on {os.cpu_count()} cores.",
        "",
        "| dataset | target | req/s | p50 ms | p99 ms | non-2xx/3xx | hello req/s | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in result["measurements"]:
        lines.append(
            f"| {m['dataset']} | {m['target']} | {m['rps']:.0f} | {m['p50_ms']:.1f} | {m['p99_ms']:.1f} | "
            f"{m['bad']} | {m['hello_rps']:.0f} | {m['ratio']:.2f} |" if m["hello_rps"] else
            f"| {m['dataset']} | {m['target']} | {m['rps']:.0f} | {m['p50_ms']:.1f} | {m['p99_ms']:.1f} | "
            f"{m['bad']} | – | – |"
        )
    lines += ["", "| target | value | met |", "|---|---|---|"]
    lines += [f"| {v['target']} | {v['value']} | {'met' if v['met'] else 'NOT met'} |" for v in verdicts(result)]
    medians = result.get("server_side_median_ms", {})
    if medians:
        lines += ["", "Median time in the app itself (its request log, warm-ups included, no queueing):", "",
                  "| route | large ms | demo ms | large / demo |", "|---|---:|---:|---:|"]
        for route, large_ms in sorted(medians["large"].items()):
            demo_ms = medians["demo"].get(route)
            lines.append(f"| `{route}` | {large_ms} | {demo_ms if demo_ms is not None else '–'} | "
                         + (f"{large_ms / demo_ms:.2f}×" if demo_ms else "–") + " |")
    rows = result["large"].get("rows", {})
    lines += ["", f"Large dataset rows written: {rows}; generated in {result['large'].get('generate_seconds')} s "
                  f"(whole build with migrations and demo data {result['large'].get('build_seconds')} s).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 500 milestones ... 2,000,000 votes")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each target, order reversed each time")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it)")
    os.chdir(ROOT)
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    everything = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "load_before": load, "cpus": os.cpu_count(), "args": vars(args), "databases": []}
    problems = []
    for kind in args.databases.split(","):
        result = measure_database(kind.strip(), args)
        result["load_after"] = os.getloadavg()
        everything["databases"].append(result)
        problems += failures(result)
        (RESULTS / f"{kind}.json").write_text(json.dumps(result, indent=2, default=str))
        (RESULTS / f"{kind}.md").write_text(markdown(result, args))
        print()
        print(markdown(result, args))
    (RESULTS / "all.json").write_text(json.dumps(everything, indent=2, default=str))
    if problems:
        print("\nFAILED: the run is not a measurement:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
