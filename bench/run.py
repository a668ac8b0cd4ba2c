"""The benchmark: `make bench` (or `.venv/bin/python -m bench.run --help`).

For each database (SQLite, PostgreSQL): builds the large dataset and the demo dataset, serves
the portal with the page cache on (large data), with the page cache off (large and demo data:
the miss path) and the one-route hello app with gunicorn (2 workers, gunicorn.conf.py), and
measures with wrk, app and hello alternating target by target; then a mixed workload of
anonymous reads and signed-in writes against the cached server. SQLite runs with the page
cache's embedded store, PostgreSQL with Redis. Prints tables and writes
bench/results/<database>.json and .md. Exits with 1 when any answer was not 2xx/3xx, a POST
file ran out of unused account/milestone pairs, or wrk saw socket errors.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
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
MIXED_LUA = BENCH / "lua" / "mixed.lua"
PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SECRET_KEY = "bench-only-not-secret-0123456789abcdef"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
REDIS_URL = "redis://127.0.0.1:6379/15"
APP_PORT, HELLO_PORT, DEMO_PORT, MISS_PORT = 8731, 8732, 8733, 8734
POST_CAPACITY = 8_000   # unused account/milestone pairs per wrk run of a POST target
MIXED_CAPACITY = 4_000  # write lines (half votes, half comments) per wrk run of the mixed workload
MIXED_WRITE_SHARE = 0.05
MIXED_READ_LINES = 5_000
HIGH_LIMIT = "1000000 per minute"
LIST_PER_PAGE = 20      # config.PER_PAGE: milestones per page of the list

# What each target is held to (issue 11), as a ratio to the hello app's requests/s in the same run.
HIT_RATIO = 0.5         # cache hits: home, list, milestone page, Atom feed, widget, API list
FEED304_RATIO = 0.9     # the feed's 304 path, cache on
VOTE_RATIO = 0.15       # the support-vote POST, cache on
MISS_FACTOR = 2.0       # the miss path (cache off) at least twice the ratio of 29 November
LATENCY_FACTOR = 1.3    # p50 of the large data on the miss path against the demo data's
# The ratios of the large dataset in BENCHMARKS.md, run of 29 November 2026 (no page cache: the
# miss path), as printed there (two decimals). The widget was not measured then: no baseline.
BASELINE_29_NOVEMBER = {
    "sqlite": {"home": 0.04, "list": 0.03, "milestone": 0.03, "feed": 0.03, "api": 0.06},
    "postgresql": {"home": 0.03, "list": 0.03, "milestone": 0.01, "feed": 0.03, "api": 0.04},
}
PAGE_KEYS = ("home", "list", "milestone", "feed", "widget", "api")
# Set from --max-requests for every server (hello too); empty: gunicorn.conf.py's own setting.
GUNICORN_EXTRA_ENV: dict[str, str] = {}


@dataclass
class Target:
    key: str             # home, list, milestone, feed, widget, api, feed304, comment, vote, mixed, hello
    name: str
    path: str
    headers: str = "-"   # "Name: value|Name: value"
    post_file: str = "-"


@dataclass
class Server:
    name: str            # large-cache, large-miss, demo-miss, hello
    dataset: str         # large, demo, hello
    cache: str           # on, off, – (hello)
    port: int
    log_path: Path
    process: subprocess.Popen | None = None

    def log_offset(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def request_log(self, start: int, end: int) -> list[dict]:
        """The app's request log lines written between two offsets of its log file."""
        with open(self.log_path, "rb") as f:
            f.seek(start)
            chunk = f.read(end - start).decode("utf-8", "replace")
        entries = []
        for line in chunk.splitlines():
            if '"etappen.request"' in line:
                try:
                    entries.append(json.loads(line))
                except json.JSONDecodeError:  # a line cut by the offset
                    pass
        return entries


@dataclass
class Measurement:
    key: str
    target: str
    dataset: str
    cache: str
    rps: float
    seconds: float       # wrk's measured time (summed over rounds)
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int
    exhausted: int
    socket_errors: int
    bad_statuses: str
    reads_sent: int = 0
    writes_sent: int = 0
    hello_rps: float | None = None
    # In-worker durations from the request log of the measured runs, by its "cache" field
    # ("hit", "miss", "none" when the line has no such field), and POSTs apart.
    durations: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        # No hello answers (the run then fails): no ratio, and no target is met.
        return self.rps / self.hello_rps if self.hello_rps else None

    def cache_counts(self) -> dict[str, int]:
        return {kind: len(values) for kind, values in self.durations.items()}

    @property
    def hit_rate(self) -> float | None:
        """Hits / cacheable requests (hits and misses) in the request log; None without either."""
        counts = self.cache_counts()
        cacheable = counts.get("hit", 0) + counts.get("miss", 0)
        return counts.get("hit", 0) / cacheable if cacheable else None

    def as_json(self) -> dict:
        data = {k: v for k, v in self.__dict__.items() if k != "durations"}
        data["ratio"] = self.ratio
        data["hit_rate"] = self.hit_rate
        data["worker_ms"] = {
            kind: {"n": len(values), "median": round(statistics.median(values), 1)}
            for kind, values in self.durations.items() if values
        }
        return data


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def cache_store(kind: str) -> str:
    """Where the cached server of this database keeps its pages: SQLite embedded, PostgreSQL Redis."""
    return REDIS_URL if kind == "postgresql" else ""


def server_env(url: str, port: int, *, cache: bool = False, cache_url: str = "",
               tags_path: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET_KEY,
        "ETAPPEN_CONFIG": "production",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        # The page cache stores pages only when BASE_URL is the server's own address.
        "BASE_URL": f"http://127.0.0.1:{port}",
        "MAIL_OUTBOX_DIR": str(DATA / "outbox"),
        "FLASK_APP": "wsgi",
        "PAGE_CACHE_ENABLED": "1" if cache else "0",
        # Empty: the embedded store (in-process LRU and a SQLite file of tag versions).
        "PAGE_CACHE_URL": cache_url,
        "PAGE_CACHE_TAGS_PATH": str(tags_path or DATA / f"page-cache-tags-{port}.sqlite"),
        # The bench posts far more than a person could; the limiter still runs on every request.
        **{f"{kind}_LIMIT_PER_{who}": HIGH_LIMIT for kind in ("COMMENT", "VOTE") for who in ("ACCOUNT", "IP")},
        **GUNICORN_EXTRA_ENV,
    })
    if not cache_url and env.get("REDIS_URL"):
        # config.py takes an empty PAGE_CACHE_URL as unset and falls back to REDIS_URL: keep the
        # embedded store, and the limiter's storage as REDIS_URL had made it.
        env.setdefault("RATELIMIT_STORAGE_URI", env["REDIS_URL"])
        del env["REDIS_URL"]
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


def published_by_comments(url: str) -> list[str]:
    """Slugs of all published milestones, the most commented first."""
    app = make_app(url)
    with app.app_context():
        slugs = list(db.session.scalars(
            Milestone.select_published().with_only_columns(Milestone.slug)
            .order_by(Milestone.comment_count.desc(), Milestone.id)
        ))
        db.engine.dispose()
    return slugs


def reset_cache_store(kind: str, tags_path: Path) -> str:
    """An empty store for the cached server; returns how the output names it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{tags_path}{suffix}").unlink(missing_ok=True)
    if kind == "postgresql":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        return f"Redis `{REDIS_URL}` (FLUSHDB before the servers started)"
    return (f"embedded default (each worker's in-process LRU, tag versions in `{tags_path.relative_to(ROOT)}`, "
            "deleted before the servers started)")


def start(server: Server, module: str, env: dict[str, str]) -> None:
    log_file = open(server.log_path, "w")
    process = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", module], cwd=ROOT, env=env,
        stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
    )
    server.process = process
    # The hello app has only "/"; the portal's robots.txt is not cached and touches no page.
    probe = "/" if module.startswith("bench.hello") else "/robots.txt"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}{probe}", timeout=5).read()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None:
                raise SystemExit(f"gunicorn {module} ended; see {server.log_path}")
            time.sleep(0.3)
    stop(server)
    raise SystemExit(f"gunicorn {module} did not answer on port {server.port}; see {server.log_path}")


def stop(server: Server) -> None:
    process = server.process
    if process is not None and process.poll() is None:
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


def run_wrk(command: list[str]) -> dict:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed: {' '.join(command)}\n{done.stdout}{done.stderr}")
    match = re.search(r"^BENCH (\{.*\})$", done.stdout, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no result:\n{done.stdout}")
    return json.loads(match.group(1))


def wrk(port: int, target: Target, seconds: float, args, first: int = 0) -> dict:
    return run_wrk([
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--timeout", "10s",
        "-s", str(LUA), f"http://127.0.0.1:{port}{target.path if target.post_file == '-' else '/'}",
        "--", target.headers, target.post_file, str(first), str(POST_CAPACITY), str(args.threads),
    ])


def wrk_mixed(port: int, reads: Path, writes: Path, seconds: float, args, first: int, seed: int) -> dict:
    return run_wrk([
        "wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--timeout", "10s",
        "-s", str(MIXED_LUA), f"http://127.0.0.1:{port}/",
        "--", str(reads), str(writes), str(first), str(MIXED_CAPACITY), str(args.threads),
        str(MIXED_WRITE_SHARE), str(seed),
    ])


def to_measurement(target: Target, server: Server, raw: dict, entries: list[dict]) -> Measurement:
    errors = raw["errors"]
    durations: dict[str, list[float]] = {}
    for entry in entries:
        if entry.get("duration_ms") is None:
            continue
        kind = "post" if entry.get("method") == "POST" else entry.get("cache") or "none"
        durations.setdefault(kind, []).append(entry["duration_ms"])
    return Measurement(
        key=target.key, target=target.name, dataset=server.dataset, cache=server.cache,
        rps=raw["requests"] / (raw["duration_us"] / 1e6), seconds=raw["duration_us"] / 1e6, p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000, requests=raw["requests"], bad=raw["bad"], exhausted=raw["exhausted"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        bad_statuses=raw["bad_statuses"].strip(), reads_sent=raw.get("reads_sent", 0),
        writes_sent=raw.get("writes_sent", 0), durations=durations,
    )


def combine(runs: list[Measurement]) -> Measurement:
    """Several runs of one target as one: requests over total time, mean p50 and p99, every error."""
    seconds = sum(m.seconds for m in runs)
    first = runs[0]
    durations: dict[str, list[float]] = {}
    for m in runs:
        for kind, values in m.durations.items():
            durations.setdefault(kind, []).extend(values)
    return Measurement(
        key=first.key, target=first.target, dataset=first.dataset, cache=first.cache,
        rps=sum(m.requests for m in runs) / seconds, seconds=seconds,
        p50_ms=sum(m.p50_ms for m in runs) / len(runs), p99_ms=sum(m.p99_ms for m in runs) / len(runs),
        requests=sum(m.requests for m in runs), bad=sum(m.bad for m in runs),
        exhausted=sum(m.exhausted for m in runs), socket_errors=sum(m.socket_errors for m in runs),
        bad_statuses=" ".join(m.bad_statuses for m in runs if m.bad_statuses),
        reads_sent=sum(m.reads_sent for m in runs), writes_sent=sum(m.writes_sent for m in runs),
        durations=durations,
    )


class PostFiles:
    """Request files for the POST targets; every wrk run reads its own unused slice."""

    def __init__(self):
        self.next_line = {"comment": 0, "vote": 0, "mixed": 0}

    def slice(self, kind: str) -> int:
        first = self.next_line[kind]
        self.next_line[kind] += MIXED_CAPACITY if kind == "mixed" else POST_CAPACITY
        return first


def prepare_posts(url: str, runs: int, mixed_runs: int) -> dict[str, Path]:
    """The vote and comment request files of the POST targets and the mixed workload's writes.

    The mixed workload gets its own votes (account/milestone pairs none of the vote target's
    lines use) and comments, one vote and one comment in turn.
    """
    app = make_app(url)
    with app.app_context():
        citizens = list(db.session.scalars(
            select(User.id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == "citizen", User.email_confirmed_at.is_not(None)).order_by(User.id).limit(4000)
        ))
    slugs = sessions.published_slugs(app)
    needed = runs * POST_CAPACITY
    mixed_each = mixed_runs * MIXED_CAPACITY // 2
    votes = sessions.vote_requests(app, citizens, slugs, needed + mixed_each)
    comments = sessions.comment_requests(app, citizens, sorted(slugs.values()), needed + mixed_each)
    if len(votes) < needed + mixed_each:
        raise SystemExit(f"only {len(votes)} unused account/milestone pairs for votes, {needed + mixed_each} needed")
    # The mixed workload's pairs from the end, spread over the milestones like the others.
    mixed = [line for pair in zip(votes[needed:], comments[needed:]) for line in pair]
    files = {}
    for kind, lines in (("vote", votes[:needed]), ("comment", comments[:needed]), ("mixed", mixed)):
        path = DATA / f"{kind}-requests.tsv"
        path.write_text("\n".join(lines) + "\n")
        files[kind] = path
    with app.app_context():
        db.engine.dispose()
    return files


def mixed_reads(slugs: list[str], list_pages: int, path: Path) -> dict[str, int]:
    """The mixed workload's read file: one path a line, drawn with these shares.

    50 % milestone pages and 15 % milestone widgets, the milestone drawn with a Zipf-like weight
    1/rank over all published milestones (the most commented first: a few pages are read
    often, most rarely); 15 % the milestone list, pages 1 to `list_pages` alike; 10 % the home
    page; 10 % the Atom feed (full answer). Returns the number of lines of each kind.
    """
    rng = random.Random(11)
    weights = [1 / rank for rank in range(1, len(slugs) + 1)]
    mix = [("milestone", 0.50), ("widget", 0.15), ("list", 0.15), ("home", 0.10), ("feed", 0.10)]
    lines, counts = [], {}
    for _ in range(MIXED_READ_LINES):
        kind = rng.choices([k for k, _ in mix], [w for _, w in mix])[0]
        counts[kind] = counts.get(kind, 0) + 1
        if kind in ("milestone", "widget"):
            slug = rng.choices(slugs, weights)[0]
            lines.append(f"/etappenziele/{slug}" if kind == "milestone" else f"/einbetten/etappenziel/{slug}")
        elif kind == "list":
            page = rng.randint(1, list_pages)
            lines.append("/etappenziele" if page == 1 else f"/etappenziele?page={page}")
        elif kind == "home":
            lines.append("/")
        else:
            lines.append("/feeds/fortschritt.atom")
    path.write_text("\n".join(lines) + "\n")
    counts["distinct paths"] = len(set(lines))
    return counts


def measure_database(kind: str, args) -> dict:
    load_before = os.getloadavg()
    log(f"{kind}: building the large dataset (scale {args.scale})")
    large_url, large_info = build(kind, "large", args.scale)
    log(f"{kind}: large dataset ready: {large_info}")
    demo_url, demo_info = build(kind, "demo", args.scale)
    large_slugs = published_by_comments(large_url)
    busiest = {"large": large_slugs[0], "demo": published_by_comments(demo_url)[0]}
    post_files = prepare_posts(large_url, runs=2 * args.rounds, mixed_runs=2)
    # The form start stamps must be older than FORM_MIN_FILL_SECONDS.
    time.sleep(3)

    tags_path = DATA / f"page-cache-tags-{kind}.sqlite"
    store = reset_cache_store(kind, tags_path)
    log(f"{kind}: page cache store of the cached server: {store}")
    hello = Server("hello", "hello", "–", HELLO_PORT, DATA / f"gunicorn-hello-{kind}.log")
    cached = Server("large-cache", "large", "on", APP_PORT, DATA / f"gunicorn-app-{kind}-large.log")
    miss = Server("large-miss", "large", "off", MISS_PORT, DATA / f"gunicorn-app-{kind}-large-miss.log")
    demo = Server("demo-miss", "demo", "off", DEMO_PORT, DATA / f"gunicorn-app-{kind}-demo.log")
    servers = [hello, cached, miss, demo]

    # All four servers run at once (an idle one costs nothing) and every target is measured on
    # the cached server, the hello app and the uncached servers in turn, so drift in the
    # machine's load hits all alike.
    results: list[Measurement] = []
    hello_problems: list[str] = []
    mixed_info: dict = {}
    try:
        start(hello, "bench.hello:app", server_env("sqlite://", HELLO_PORT))
        start(cached, "wsgi:app", server_env(large_url, APP_PORT, cache=True, cache_url=cache_store(kind),
                                             tags_path=tags_path))
        start(miss, "wsgi:app", server_env(large_url, MISS_PORT))
        start(demo, "wsgi:app", server_env(demo_url, DEMO_PORT))
        feed = "/feeds/fortschritt.atom"

        def pages(dataset: str) -> list[Target]:
            return [
                Target("home", "home page", "/"),
                Target("list", "milestone list", "/etappenziele"),
                Target("milestone", "milestone page, most comments", f"/etappenziele/{busiest[dataset]}"),
                Target("feed", "Atom feed (full answer)", feed),
                Target("widget", "milestone widget, most comments", f"/einbetten/etappenziel/{busiest[dataset]}"),
                Target("api", "API milestone list", "/api/v1/milestones"),
            ]

        hello_target = Target("hello", "hello", "/")
        # Each group: the servers and their target, measured in this order in even rounds and
        # in the opposite order in odd ones (cached, hello, miss path, demo, then back), so the
        # hello app sits between the two servers of the large data.
        groups: list[list[tuple[Server, Target]]] = []
        for large_target, demo_target in zip(pages("large"), pages("demo")):
            groups.append([(cached, large_target), (hello, hello_target), (miss, large_target), (demo, demo_target)])
        groups.append([(cached, Target("feed304", "Atom feed (304)", feed, headers=validators(APP_PORT, feed))),
                       (hello, hello_target)])
        groups.append([(cached, Target("comment", "comment POST", "/", post_file=str(post_files["comment"]))),
                       (hello, hello_target)])
        groups.append([(cached, Target("vote", "vote POST", "/", post_file=str(post_files["vote"]))),
                       (hello, hello_target)])

        slices = PostFiles()

        def measure(server: Server, target: Target) -> Measurement:
            posting = target.key in ("comment", "vote")
            wrk(server.port, target, args.warmup, args, slices.slice(target.key) if posting else 0)
            time.sleep(0.2)  # requests still in the workers when wrk stopped log before the offset
            begin = server.log_offset()
            raw = wrk(server.port, target, args.duration, args, slices.slice(target.key) if posting else 0)
            time.sleep(0.2)
            return to_measurement(target, server, raw, server.request_log(begin, server.log_offset()))

        for group in groups:
            runs: dict[str, list[Measurement]] = {}
            for number in range(args.rounds):
                for server, target in (group if number % 2 == 0 else group[::-1]):
                    runs.setdefault(server.name, []).append(measure(server, target))
            hello_run = combine(runs["hello"])
            hello_rps = hello_run.rps
            if hello_run.bad or hello_run.socket_errors or not hello_run.requests:
                hello_problems.append(f"hello app beside {group[0][1].target}: {hello_run.bad} answers not 2xx/3xx, "
                                      f"socket errors={hello_run.socket_errors}, answers={hello_run.requests}")
            for server, _ in group:
                if server is hello:
                    continue
                m = combine(runs[server.name])
                m.hello_rps = hello_rps
                results.append(m)
                log(f"{kind}/{m.dataset}, cache {m.cache}: {m.target}: {m.rps:.0f} req/s, p50 {m.p50_ms:.1f} ms, "
                    f"hello {hello_rps:.0f} req/s, ratio {fmt_ratio(m.ratio)}, hits {fmt_rate(m.hit_rate)}"
                    + (f", BAD {m.bad} ({m.bad_statuses})" if m.bad else ""))

        # The mixed workload against the cached server, after every other target.
        # Pages past the last answer 200 with an empty list: only pages that show milestones.
        list_pages = max(1, min(5, math.ceil(len(large_slugs) / LIST_PER_PAGE)))
        reads = DATA / "mixed-reads.txt"
        mixed_info = {"reads": mixed_reads(large_slugs, list_pages, reads), "list_pages": list_pages,
                      "milestones": len(large_slugs), "write_share": MIXED_WRITE_SHARE,
                      "duration": args.mixed_duration, "warmup": args.mixed_warmup}
        mixed_target = Target("mixed", "mixed workload (95 % reads, 5 % writes)", "/")
        wrk_mixed(APP_PORT, reads, post_files["mixed"], args.mixed_warmup, args, slices.slice("mixed"), seed=1)
        time.sleep(0.2)
        begin = cached.log_offset()
        raw = wrk_mixed(APP_PORT, reads, post_files["mixed"], args.mixed_duration, args, slices.slice("mixed"), seed=2)
        time.sleep(0.2)
        m = to_measurement(mixed_target, cached, raw, cached.request_log(begin, cached.log_offset()))
        results.append(m)
        log(f"{kind}/mixed: {m.rps:.0f} req/s, p50 {m.p50_ms:.1f} ms, p99 {m.p99_ms:.1f} ms, "
            f"{m.writes_sent} writes of {m.requests}, hit rate {fmt_rate(m.hit_rate)}"
            + (f", BAD {m.bad} ({m.bad_statuses})" if m.bad else ""))
    finally:
        for server in servers:
            stop(server)
    return {
        "database": kind,
        "cache_store": store,
        "load_before": load_before,
        "large": large_info,
        "busiest_milestone": busiest,
        "mixed": mixed_info,
        "measurements": [m.as_json() for m in results],
        "hello_problems": hello_problems,
        # gunicorn restarts a worker after max_requests answers; the master takes a moment to
        # boot the new one, and the embedded store's LRU of that worker starts empty.
        "worker_restarts": {server.name: worker_restarts(server) for server in servers},
    }


def worker_restarts(server: Server) -> int:
    if not server.log_path.exists():
        return 0
    with open(server.log_path, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if "Autorestarting worker" in line)


def hits_of_gets(m: dict) -> float | None:
    counts = {kind: value["n"] for kind, value in m["worker_ms"].items()}
    gets = sum(n for kind, n in counts.items() if kind != "post")
    return counts.get("hit", 0) / gets if gets else None


def fmt_ratio(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio:.2f}"


def fmt_rate(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.0%}"


def fmt_ms(worker: dict, kind: str) -> str:
    value = worker.get(kind)
    return f"{value['median']} ({value['n']})" if value else "–"


def verdicts(result: dict) -> list[dict]:
    """Each target of issue 11 with its numbers: met, not met, or (no target) a first baseline."""
    rows = []
    by_key = {(m["dataset"], m["cache"], m["key"]): m for m in result["measurements"]}
    baseline = BASELINE_29_NOVEMBER.get(result["database"], {})
    for key in PAGE_KEYS:
        hit, miss, demo = (by_key.get(k) for k in (("large", "on", key), ("large", "off", key), ("demo", "off", key)))
        if hit is None or miss is None:
            continue
        name = hit["target"]
        rows.append({"target": f"{name}: cache hits, ratio ≥ {HIT_RATIO}", "value": fmt_ratio(hit["ratio"]),
                     "met": (hit["ratio"] or 0) >= HIT_RATIO})
        if key in baseline:
            goal = MISS_FACTOR * baseline[key]
            rows.append({"target": f"{name}: miss path, ratio ≥ {MISS_FACTOR:g} × {baseline[key]:.2f} (29 Nov) = {goal:.2f}",
                         "value": fmt_ratio(miss["ratio"]), "met": (miss["ratio"] or 0) >= goal})
        else:
            rows.append({"target": f"{name}: miss path, ratio (no earlier measurement: this is the first baseline)",
                         "value": fmt_ratio(miss["ratio"]), "met": None})
        if demo is not None:
            factor = miss["p50_ms"] / demo["p50_ms"] if demo["p50_ms"] else float("inf")
            rows.append({"target": f"{name}: miss path, p50 large ≤ {LATENCY_FACTOR}× demo",
                         "value": f"{miss['p50_ms']:.1f} / {demo['p50_ms']:.1f} ms = {factor:.2f}×",
                         "met": factor <= LATENCY_FACTOR})
    for key, goal in (("feed304", FEED304_RATIO), ("vote", VOTE_RATIO)):
        m = by_key.get(("large", "on", key))
        if m is not None:
            rows.append({"target": f"{m['target']}: ratio ≥ {goal}", "value": fmt_ratio(m["ratio"]),
                         "met": (m["ratio"] or 0) >= goal})
    return rows


def failures(result: dict) -> list[str]:
    found = [f"{result['database']}/{problem}" for problem in result.get("hello_problems", [])]
    for m in result["measurements"]:
        if m["bad"] or m["exhausted"] or m["socket_errors"] or not m["requests"]:
            found.append(f"{result['database']}/{m['dataset']}/cache {m['cache']}/{m['target']}: {m['bad']} answers "
                         f"not 2xx/3xx ({m['bad_statuses']}), exhausted={m['exhausted']}, "
                         f"socket errors={m['socket_errors']}, answers={m['requests']}")
    return found


def markdown(result: dict, args) -> str:
    busiest = result["busiest_milestone"]
    measurements = [m for m in result["measurements"] if m["key"] != "mixed"]
    lines = [
        f"### {result['database']}",
        "",
        f"wrk -t{args.threads} -c{args.connections}, {args.rounds} × {args.duration:g} s per target and server "
        f"(each after {args.warmup:g} s warm-up, order reversed each round); gunicorn 2 workers (gunicorn.conf.py, "
        f"max_requests {'of gunicorn.conf.py' if args.max_requests is None else args.max_requests}); "
        f"scale {args.scale:g}; busiest milestone `{busiest['large']}` (demo: `{busiest['demo']}`). "
        f"Page cache store of the cached server: {result['cache_store']}. "
        f"gunicorn worker restarts (max_requests) during the run: "
        f"{', '.join(f'{name} {count}' for name, count in result.get('worker_restarts', {}).items())}. "
        f"Load average (1/5/15 min) before: {'/'.join(f'{x:.1f}' for x in result['load_before'])}, after: "
        f"{'/'.join(f'{x:.1f}' for x in result.get('load_after', ()))} on {os.cpu_count()} cores.",
        "",
        "Cache \"on\": the large data with the page cache (hits after the warm-up); \"off\": "
        "`PAGE_CACHE_ENABLED=0`, the miss path. \"hits\": share of the measured requests the "
        "request log marks `\"cache\": \"hit\"` among those marked hit or miss (– when none is marked).",
        "",
        "| dataset | cache | target | req/s | p50 ms | p99 ms | non-2xx/3xx | hello req/s | ratio | hits |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measurements:
        ratio = fmt_ratio(m["ratio"])
        hello = f"{m['hello_rps']:.0f}" if m["hello_rps"] else "–"
        lines.append(f"| {m['dataset']} | {m['cache']} | {m['target']} | {m['rps']:.0f} | {m['p50_ms']:.1f} | "
                     f"{m['p99_ms']:.1f} | {m['bad']} | {hello} | {ratio} | {fmt_rate(m['hit_rate'])} |")
    unmarked = [m["target"] for m in measurements if m["cache"] == "on" and m["key"] in PAGE_KEYS + ("feed304",)
                 and not m["worker_ms"].get("hit")]
    if unmarked:
        lines += ["", f"**No request marked as a cache hit** on the cached server for: {'; '.join(unmarked)}. "
                      "Either the app has no page cache yet or it stored nothing (`BASE_URL`, `PAGE_CACHE_*`): "
                      "these \"cache on\" rows then measure the miss path, not hits."]
    lines += ["", "| target | value | met |", "|---|---|---|"]
    lines += [f"| {v['target']} | {v['value']} | "
              f"{'first baseline' if v['met'] is None else 'met' if v['met'] else 'NOT met'} |"
              for v in verdicts(result)]

    lines += ["", "Median time in the worker (the request log of the measured runs, no queueing), in ms, "
                  "with the number of requests; \"not marked\": log lines without a `cache` field:", "",
              "| dataset | cache | target | hit | miss | not marked | POST |", "|---|---|---|---:|---:|---:|---:|"]
    for m in result["measurements"]:
        worker = m["worker_ms"]
        lines.append(f"| {m['dataset']} | {m['cache']} | {m['target']} | {fmt_ms(worker, 'hit')} | "
                     f"{fmt_ms(worker, 'miss')} | {fmt_ms(worker, 'none')} | {fmt_ms(worker, 'post')} |")

    mixed = next((m for m in result["measurements"] if m["key"] == "mixed"), None)
    if mixed is not None:
        info = result["mixed"]
        reads = ", ".join(f"{k} {v}" for k, v in info["reads"].items())
        lines += [
            "", "Mixed workload on the cached server (large data), one wrk run of "
                f"{info['duration']:g} s after {info['warmup']:g} s warm-up: "
                f"{MIXED_WRITE_SHARE:.0%} signed-in writes (support votes and comments in turn, each from "
                f"another pre-built session), the rest anonymous reads drawn from {MIXED_READ_LINES} lines "
                f"({reads}; {info['milestones']} published milestones, list pages 1–{info['list_pages']}). "
                "Every read of the mix is cacheable: \"GETs not marked\" (request log lines of GETs without "
                "a `cache` field) should be 0; if the cache does not mark its misses, they are these.",
            "",
            "| req/s | p50 ms | p99 ms | non-2xx/3xx | reads sent | writes sent | cache hit rate (hits / cacheable) | GETs not marked | hits / all GETs |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {mixed['rps']:.0f} | {mixed['p50_ms']:.1f} | {mixed['p99_ms']:.1f} | {mixed['bad']} | "
            f"{mixed['reads_sent']} | {mixed['writes_sent']} | {fmt_rate(mixed['hit_rate'])} "
            f"({mixed['worker_ms'].get('hit', {}).get('n', 0)} / "
            f"{mixed['worker_ms'].get('hit', {}).get('n', 0) + mixed['worker_ms'].get('miss', {}).get('n', 0)}) | "
            f"{mixed['worker_ms'].get('none', {}).get('n', 0)} | {fmt_rate(hits_of_gets(mixed))} |",
        ]
    rows = result["large"].get("rows", {})
    lines += ["", f"Large dataset rows written: {rows}; generated in {result['large'].get('generate_seconds')} s "
                  f"(whole build with migrations and demo data {result['large'].get('build_seconds')} s).", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 500 milestones ... 2,000,000 votes")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--duration", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--rounds", type=int, default=2, help="measurements of each target, order reversed each time")
    parser.add_argument("--mixed-duration", type=float, default=20, help="seconds of the mixed workload")
    parser.add_argument("--mixed-warmup", type=float, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=None,
                        help="GUNICORN_MAX_REQUESTS for every server (0: never restart a worker); "
                             "default: gunicorn.conf.py's, as in production")
    args = parser.parse_args(argv)
    if args.max_requests is not None:
        GUNICORN_EXTRA_ENV["GUNICORN_MAX_REQUESTS"] = str(args.max_requests)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench does it)")
    os.chdir(ROOT)
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    started = time.perf_counter()
    everything = {"started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "load_before": load, "cpus": os.cpu_count(), "args": vars(args), "databases": []}
    problems = []
    for kind in args.databases.split(","):
        kind = kind.strip()
        result = measure_database(kind, args)
        result["load_after"] = os.getloadavg()
        everything["databases"].append(result)
        problems += failures(result)
        (RESULTS / f"{kind}.json").write_text(json.dumps(result, indent=2, default=str))
        (RESULTS / f"{kind}.md").write_text(markdown(result, args))
        print()
        print(markdown(result, args))
    everything["seconds"] = round(time.perf_counter() - started)
    (RESULTS / "all.json").write_text(json.dumps(everything, indent=2, default=str))
    log(f"whole run: {everything['seconds']} s")
    if problems:
        print("\nFAILED: the run is not a measurement:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
