"""The large benchmark dataset, written with bulk inserts on top of the demo data.

At scale 1: 500 milestones, 20,000 progress updates, 200,000 comments (replies, official
answers, a realistic status mix), 2,000,000 votes (support votes on milestones plus helpful
ratings of comments, unique per account and target) and 50,000 accounts, counted with what
the demo data already holds. SQLite gets executemany in one transaction, PostgreSQL COPY.
Every counter kept in a row (Milestone.support_count and comment_count, Comment.helpful_count,
unhelpful_count, score and flag_count) is computed from the rows written, so it equals them exactly.

The schema comes from `flask db upgrade` and the demo rows from `flask seed-demo`; this module
only adds rows. Generation is deterministic for a given seed.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import Flask
from sqlalchemy import func, select, text

from app.auth.passwords import hash_password
from app.extensions import db
from app.models import Base, Department, Field, Milestone, ProgressUpdate, User
from app.models import milestones as milestone_model
from app.models.milestones import search_key

FULL = {
    "milestones": 500,
    "updates": 20_000,
    "comments": 200_000,
    "votes": 2_000_000,
    "accounts": 50_000,
}
# Of the votes: support votes on milestones, the rest helpful/not-helpful ratings of comments.
SUPPORT_SHARE = 0.5
PASSWORD = "bench-Passwort-2026!"
EMAIL_PATTERN = "buerger{n}@bench.example.org"
EDITOR_EMAIL_PATTERN = "redaktion{n}@bench.example.org"
BATCH = 20_000

# Status mix of comments (share of all comments); replies draw from the same mix.
COMMENT_STATUSES = [
    ("published", 0.90), ("pending", 0.03), ("held", 0.01), ("hidden", 0.02),
    ("rejected", 0.01), ("spam", 0.01), ("deleted", 0.02),
]
MILESTONE_STATUSES = [
    ("planned", 0.25), ("in_progress", 0.45), ("completed", 0.2), ("on_hold", 0.06), ("cancelled", 0.04),
]
TOPICS = [
    "Online-Terminvergabe", "Glasfaser für Schulen", "Digitale Bauakte", "Open-Data-Portal",
    "WLAN in Bürgerhäusern", "E-Rechnung", "Digitaler Bauantrag", "Smarte Straßenbeleuchtung",
    "Tablet-Ausleihe", "Ratsinformationssystem", "Elektronische Akte", "Parkleitsystem",
    "Medienkompetenz für Senioren", "Bürgerkonto", "Geodatenportal", "Digitale Lernplattform",
]
WORDS = (
    "Bitte informieren Sie über den Zeitplan und die Kosten. Wann ist mit den ersten Ergebnissen "
    "zu rechnen? Ich finde das Vorhaben wichtig für unsere Stadt, aber die Umsetzung dauert zu "
    "lange. Gibt es schon Erfahrungen aus anderen Kommunen? Die Barrierefreiheit muss von Anfang "
    "an mitgedacht werden. Danke für die regelmäßigen Berichte."
).split()


@dataclass
class Report:
    """What was written, and how long it took."""

    counts: dict[str, int] = dataclass_field(default_factory=dict)
    seconds: float = 0.0
    busiest_milestone_slug: str = ""
    citizen_ids: list[int] = dataclass_field(default_factory=list)
    milestone_slugs: list[str] = dataclass_field(default_factory=list)


def _scaled(name: str, scale: float, minimum: int) -> int:
    return max(minimum, round(FULL[name] * scale))


def _pick(rng: random.Random, mix: list[tuple[str, float]]) -> str:
    value = rng.random()
    for name, share in mix:
        value -= share
        if value < 0:
            return name
    return mix[-1][0]


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class BulkWriter:
    """Rows into one table: executemany on SQLite, COPY on PostgreSQL, one transaction overall."""

    def __init__(self, raw_connection, dialect):
        self.raw = raw_connection
        self.dialect = dialect
        self.cursor = raw_connection.cursor()
        self.written: dict[str, int] = {}

    def write(self, table_name: str, columns: list[str], rows) -> int:
        table = Base.metadata.tables[table_name]
        processors = [table.c[name].type.bind_processor(self.dialect) for name in columns]
        active = [(i, p) for i, p in enumerate(processors) if p is not None]
        column_list = ", ".join(f'"{name}"' for name in columns)
        count = 0

        def processed(batch):
            if not active:
                return batch
            out = []
            for row in batch:
                row = list(row)
                for i, processor in active:
                    row[i] = processor(row[i])
                out.append(row)
            return out

        if self.dialect.name == "postgresql":
            with self.cursor.copy(f'COPY "{table_name}" ({column_list}) FROM STDIN') as copy:
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        for item in processed(batch):
                            copy.write_row(item)
                        count += len(batch)
                        batch = []
                for item in processed(batch):
                    copy.write_row(item)
                count += len(batch)
        else:
            marks = ", ".join("?" for _ in columns)
            statement = f'INSERT INTO "{table_name}" ({column_list}) VALUES ({marks})'
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    self.cursor.executemany(statement, processed(batch))
                    count += len(batch)
                    batch = []
            if batch:
                self.cursor.executemany(statement, processed(batch))
                count += len(batch)
        self.written[table_name] = self.written.get(table_name, 0) + count
        return count

    def scalar(self, sql: str):
        self.cursor.execute(sql)
        return self.cursor.fetchone()[0]

    def fix_sequences(self) -> None:
        """PostgreSQL: the id sequences continue after the ids written here."""
        if self.dialect.name != "postgresql":
            return
        for name in self.written:
            if "id" in Base.metadata.tables[name].c:
                self.cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"
                )


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def generate(app: Flask, scale: float = 1.0, seed: int = 7, log=print) -> Report:
    """Add the large dataset to the app's database (schema upgraded, demo data loaded)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    report = Report()
    with app.app_context():
        now = datetime.now().replace(microsecond=0) - timedelta(hours=1)
        today = now.date()
        fields = [f.id for f in db.session.scalars(select(Field))]
        departments = [d.id for d in db.session.scalars(select(Department))]
        existing_milestones = db.session.scalar(select(func.count(Milestone.id))) or 0
        existing_updates = db.session.scalar(select(func.count(ProgressUpdate.id))) or 0
        existing_users = db.session.scalar(select(func.count(User.id))) or 0
        first_user = _next_id(User)
        first_milestone = _next_id(Milestone)
        first_update = _next_id(ProgressUpdate)
        # One hash for every account: argon2 is deliberately slow.
        password_hash = hash_password(PASSWORD)
        db.session.rollback()

        n_milestones = max(5, _scaled("milestones", scale, 5) - existing_milestones)
        n_updates = max(20, _scaled("updates", scale, 20) - existing_updates)
        n_comments = _scaled("comments", scale, 50)
        n_votes = _scaled("votes", scale, 100)
        n_editors = len(departments)
        n_citizens = max(50, _scaled("accounts", scale, 50) - existing_users - n_editors)

        engine = db.engine
        raw = engine.raw_connection()
        try:
            if engine.dialect.name == "sqlite":
                raw.execute("PRAGMA synchronous=OFF")
            writer = BulkWriter(raw, engine.dialect)
            _write(writer, rng, report, now=now, today=today, fields=fields, departments=departments,
                   first_user=first_user, first_milestone=first_milestone, first_update=first_update,
                   password_hash=password_hash, n_milestones=n_milestones, n_updates=n_updates,
                   n_comments=n_comments, n_votes=n_votes, n_editors=n_editors,
                   n_citizens=n_citizens, log=log)
            writer.fix_sequences()
            raw.commit()
            if engine.dialect.name == "sqlite":
                raw.execute("PRAGMA synchronous=FULL")
                raw.execute("ANALYZE")
            else:
                # VACUUM too: after a bulk COPY the visibility map is empty, so index-only scans
                # (the thread's count) would still read the table; on a running server autovacuum
                # keeps it. VACUUM cannot run in a transaction.
                driver = raw.driver_connection
                driver.autocommit = True
                driver.execute("VACUUM ANALYZE")
                driver.autocommit = False
        finally:
            raw.close()
        report.counts = dict(writer.written)
    report.seconds = time.perf_counter() - started
    log(f"dataset: {report.counts} in {report.seconds:.1f} s")
    return report


def _write(writer: BulkWriter, rng: random.Random, report: Report, *, now: datetime, today: date,
           fields: list[int], departments: list[int], first_user: int, first_milestone: int,
           first_update: int, password_hash: str, n_milestones: int, n_updates: int,
           n_comments: int, n_votes: int, n_editors: int, n_citizens: int, log) -> None:
    span_days = 3 * 365

    # --- accounts: one editor per department, then citizens -------------------------------
    editor_ids = list(range(first_user, first_user + n_editors))
    editor_of = dict(zip(departments, editor_ids))
    citizen_ids = list(range(first_user + n_editors, first_user + n_editors + n_citizens))
    report.citizen_ids = citizen_ids
    user_columns = ["id", "email", "display_name", "password_hash", "active", "email_confirmed_at",
                    "locale", "created_at", "session_version", "notify_replies", "notify_answers",
                    "notify_moderation"]

    def users():
        for n, user_id in enumerate(editor_ids):
            created = now - timedelta(days=span_days)
            yield (user_id, EDITOR_EMAIL_PATTERN.format(n=n), f"Redaktion {n}", password_hash, True,
                   created, "de", created, 0, True, True, True)
        for n, user_id in enumerate(citizen_ids):
            created = now - timedelta(minutes=rng.randrange(span_days * 1440))
            yield (user_id, EMAIL_PATTERN.format(n=n), f"Bürger:in {n}", password_hash, True,
                   created, "de" if n % 5 else "en", created, 0, True, True, True)

    writer.write("user", user_columns, users())
    writer.write("user_role", ["user_id", "role"],
                 [(u, "editor") for u in editor_ids] + [(u, "citizen") for u in citizen_ids])
    writer.write("user_department", ["user_id", "department_id"],
                 [(editor_of[d], d) for d in departments])
    log(f"  accounts: {n_editors + n_citizens}")

    # --- milestones -------------------------------------------------------------------------
    milestone_rows = []
    top_level_by_field: dict[int, list[int]] = {}
    published_ids: list[int] = []
    department_of: dict[int, int] = {}
    slugs: dict[int, str] = {}
    for n in range(n_milestones):
        milestone_id = first_milestone + n
        field_id = rng.choice(fields)
        parent_id = None
        candidates = top_level_by_field.get(field_id, [])
        if candidates and rng.random() < 0.2:
            parent_id = rng.choice(candidates)
        else:
            top_level_by_field.setdefault(field_id, []).append(milestone_id)
        status = _pick(rng, MILESTONE_STATUSES)
        progress = 100 if status == "completed" else (0 if status == "planned" else rng.randrange(5, 96))
        target = today + timedelta(days=rng.randrange(-span_days, span_days))
        original = target if rng.random() < 0.7 else target - timedelta(days=rng.randrange(30, 400))
        start = target - timedelta(days=rng.randrange(180, 900))
        completed_on = min(target, today) if status == "completed" else None
        department_id = rng.choice(departments)
        published = rng.random() < 0.95
        topic = rng.choice(TOPICS)
        title = f"{topic} – Etappe {n + 1}"
        slug = f"bench-etappe-{n + 1}"
        summary = _sentence(rng, 18)
        description = " ".join(_sentence(rng, 25) for _ in range(4))
        planned = Decimal(rng.randrange(0, 2_000_000))
        committed = (planned * Decimal(rng.randrange(0, 101)) / 100).quantize(Decimal("1"))
        spent = (committed * Decimal(rng.randrange(0, 121)) / 100).quantize(Decimal("1"))
        created = now - timedelta(days=span_days + rng.randrange(0, 60))
        slugs[milestone_id] = slug
        department_of[milestone_id] = department_id
        if published:
            published_ids.append(milestone_id)
        milestone_rows.append([
            milestone_id, title, slug, summary, description, f"<p>{description}</p>", "", field_id,
            parent_id, 1, status, progress, "", start, original, target, completed_on, department_id,
            "Projektleitung", planned, committed, spent, target.year, published, 0, 0, False, None,
            search_key(title, summary, description), created, created,
        ])
    milestone_columns = [
        "id", "title", "slug", "summary", "description", "description_html", "easy_summary",
        "field_id", "parent_id", "weight", "status", "progress", "progress_method", "start_date",
        "original_target_date", "target_date", "completed_on", "department_id", "contact_role",
        "planned", "committed", "spent", "budget_year", "published", "support_count",
        "comment_count", "comments_closed", "moderation_mode", "search_text", "created_at", "updated_at",
    ]
    # Derived columns the model's before_insert event fills (bulk inserts bypass the ORM).
    sort_key = getattr(milestone_model, "sort_key", None)
    if sort_key is not None and "sort_title" in Milestone.__table__.c:
        milestone_columns.append("sort_title")
        for row in milestone_rows:
            row.append(sort_key(row[1])[:200])
    index_of = {name: i for i, name in enumerate(milestone_columns)}
    report.milestone_slugs = [slugs[m] for m in published_ids]

    # Popularity: a few milestones draw most comments and votes (Zipf-like).
    order = published_ids[:]
    rng.shuffle(order)
    weights = {m: 1.0 / (rank + 1) ** 0.9 for rank, m in enumerate(order)}
    report.busiest_milestone_slug = slugs[order[0]]

    # --- progress updates and their history entries ---------------------------------------
    update_rows = []
    change_rows = []
    change_id = 1 + writer.scalar("SELECT COALESCE(MAX(id), 0) FROM milestone_change")
    all_ids = [first_milestone + n for n in range(n_milestones)]
    for n in range(n_updates):
        update_id = first_update + n
        milestone_id = rng.choice(all_ids)
        reported = today - timedelta(days=rng.randrange(span_days))
        published_at = datetime.combine(reported, datetime.min.time()) + timedelta(hours=rng.randrange(8, 18))
        published = rng.random() < 0.95
        body = " ".join(_sentence(rng, 20) for _ in range(3))
        update_rows.append((
            update_id, milestone_id, reported, f"Stand {reported:%m/%Y}: {rng.choice(TOPICS)}", body,
            f"<p>{body}</p>", None, "Projektleitung", published, published_at if published else None,
            None, published_at,
        ))
        if rng.random() < 0.25:
            change_rows.append((
                change_id, milestone_id, update_id, reported, "progress", str(rng.randrange(0, 50)),
                str(rng.randrange(50, 100)), "Fortschritt laut Bericht", "Projektleitung", published_at,
            ))
            change_id += 1

    # --- comments ---------------------------------------------------------------------------
    first_comment = 1 + writer.scalar("SELECT COALESCE(MAX(id), 0) FROM comment")
    comment_rows: list[list] = []
    total_weight = sum(weights.values())
    targets = rng.choices(order, weights=[weights[m] for m in order], k=n_comments)
    published_top: dict[int, list[int]] = {}
    # Comments are written in time order, so created_at grows with the id.
    times = sorted(now - timedelta(seconds=rng.randrange(span_days * 86400)) for _ in range(n_comments))
    C_ID, C_M, C_PARENT, C_AUTHOR, C_STATUS, C_OFFICIAL, C_DEPT, C_ANSWER, C_ANSWERED = range(9)
    C_HELP, C_UNHELP, C_FLAGS, C_CREATED, C_PUBLISHED = 9, 10, 11, 12, 13
    comment_count: dict[int, int] = {}
    next_id = first_comment
    for when, milestone_id in zip(times, targets):
        parents = published_top.get(milestone_id)
        if parents and rng.random() < 0.3:
            parent = rng.choice(parents[-50:])
            parent_row = comment_rows[parent - first_comment]
            official = rng.random() < 0.15 and parent_row[C_ANSWER] == "open"
            status = "published" if official else _pick(rng, COMMENT_STATUSES)
            author = editor_of[department_of[milestone_id]] if official else rng.choice(citizen_ids)
            if official:
                parent_row[C_ANSWER] = "answered"
                parent_row[C_ANSWERED] = when
            row = [next_id, milestone_id, parent, author, status, official,
                   department_of[milestone_id] if official else None, None, None, 0, 0, 0, when,
                   when if status not in ("pending", "spam") else None]
        else:
            status = _pick(rng, COMMENT_STATUSES)
            answer = "not_needed" if rng.random() < 0.1 else "open"
            row = [next_id, milestone_id, None, rng.choice(citizen_ids), status, False, None, answer,
                   None, 0, 0, 0, when, when if status not in ("pending", "spam") else None]
            if status == "published":
                published_top.setdefault(milestone_id, []).append(next_id)
        if status == "published":
            comment_count[milestone_id] = comment_count.get(milestone_id, 0) + 1
        comment_rows.append(row)
        next_id += 1

    # --- votes: support votes and ratings, unique per account and target ---------------------
    n_support = round(n_votes * SUPPORT_SHARE)
    n_ratings = n_votes - n_support
    support_rows = []
    support_count: dict[int, int] = {}
    cap = int(len(citizen_ids) * 0.8)
    remaining, weight_left = n_support, total_weight
    for m in order:
        # A share of what is left: what the capped favourites cannot take goes to the others.
        share = min(cap, remaining, round(remaining * weights[m] / weight_left))
        weight_left -= weights[m]
        if share <= 0:
            continue
        for position in rng.sample(range(len(citizen_ids)), share):
            support_rows.append((m, citizen_ids[position], now - timedelta(minutes=rng.randrange(span_days * 1440))))
        support_count[m] = share
        remaining -= share
    for m, value in support_count.items():
        milestone_rows[m - first_milestone][index_of["support_count"]] = value
    for m, value in comment_count.items():
        milestone_rows[m - first_milestone][index_of["comment_count"]] = value

    rateable = [row for row in comment_rows if row[C_STATUS] == "published"]
    rating_rows = []
    if rateable:
        rating_weights = [rng.expovariate(1.0) for _ in rateable]
        scale_to = n_ratings / sum(rating_weights)
        remaining = n_ratings
        for row, weight in zip(rateable, rating_weights):
            share = min(remaining, len(citizen_ids) - 1, int(weight * scale_to + rng.random()))
            if share <= 0:
                continue
            raters = [citizen_ids[p] for p in rng.sample(range(len(citizen_ids)), share + 1)]
            raters = [r for r in raters if r != row[C_AUTHOR]][:share]
            for rater in raters:
                helpful = rng.random() < 0.75
                rating_rows.append((row[C_ID], rater, helpful, row[C_CREATED]))
                row[C_HELP if helpful else C_UNHELP] += 1
            remaining -= len(raters)

    # Held comments were hidden automatically by flags: three each.
    flag_rows = []
    for row in comment_rows:
        if row[C_STATUS] == "held":
            for flagger in rng.sample(citizen_ids, 3):
                if flagger != row[C_AUTHOR]:
                    flag_rows.append((row[C_ID], flagger, "spam", "", row[C_CREATED], None))
                    row[C_FLAGS] += 1

    writer.write("milestone", milestone_columns, milestone_rows)
    links = []
    for milestone_id in all_ids:
        for department_id in rng.sample(departments, rng.randrange(0, min(3, len(departments)) + 1)):
            links.append((milestone_id, department_id))
    writer.write("milestone_department", ["milestone_id", "department_id"], links)
    log(f"  milestones: {len(milestone_rows)}")
    writer.write("progress_update", [
        "id", "milestone_id", "reported_on", "title", "body", "body_html", "author_id", "author_role",
        "published", "published_at", "edited_at", "created_at",
    ], update_rows)
    writer.write("milestone_change", [
        "id", "milestone_id", "progress_update_id", "changed_on", "kind", "old_value", "new_value",
        "reason", "author_role", "created_at",
    ], change_rows)
    log(f"  progress updates: {len(update_rows)}")

    def comments():
        for row in comment_rows:
            text_body = _sentence(rng, 12 + row[C_ID] % 30)
            reason = "Verstößt gegen die Diskussionsregeln." if row[C_STATUS] in ("hidden", "rejected") else ""
            yield (row[C_ID], row[C_M], row[C_PARENT], row[C_AUTHOR], text_body, f"<p>{text_body}</p>",
                   row[C_STATUS], row[C_OFFICIAL], row[C_DEPT], row[C_ANSWER], row[C_ANSWERED], reason,
                   row[C_HELP], row[C_UNHELP], row[C_HELP] - row[C_UNHELP], row[C_FLAGS], row[C_CREATED],
                   row[C_PUBLISHED],
                   row[C_PUBLISHED] if row[C_STATUS] in ("hidden", "rejected", "held") else None, 1)

    writer.write("comment", [
        "id", "milestone_id", "parent_id", "author_id", "body", "body_html", "status", "is_official",
        "department_id", "answer_status", "answered_at", "moderation_reason", "helpful_count",
        "unhelpful_count", "score", "flag_count", "created_at", "published_at", "decided_at", "version",
    ], comments())
    log(f"  comments: {len(comment_rows)}")
    writer.write("support_vote", ["milestone_id", "user_id", "created_at"], support_rows)
    writer.write("comment_rating", ["comment_id", "user_id", "helpful", "created_at"], rating_rows)
    writer.write("flag", ["comment_id", "user_id", "reason", "text", "created_at", "resolved_at"], flag_rows)
    log(f"  votes: {len(support_rows)} support + {len(rating_rows)} ratings, flags: {len(flag_rows)}")


def check_counters(app: Flask) -> list[str]:
    """Every counter kept in a row compared with the rows it counts; the mismatches (none: [])."""
    checks = {
        "Milestone.support_count": """
            SELECT COUNT(*) FROM milestone m WHERE m.support_count <>
              (SELECT COUNT(*) FROM support_vote v WHERE v.milestone_id = m.id)""",
        "Milestone.comment_count": """
            SELECT COUNT(*) FROM milestone m WHERE m.comment_count <>
              (SELECT COUNT(*) FROM comment c WHERE c.milestone_id = m.id AND c.status = 'published')""",
        "Comment.helpful_count": """
            SELECT COUNT(*) FROM comment c WHERE c.helpful_count <>
              (SELECT COUNT(*) FROM comment_rating r WHERE r.comment_id = c.id AND r.helpful)""",
        "Comment.unhelpful_count": """
            SELECT COUNT(*) FROM comment c WHERE c.unhelpful_count <>
              (SELECT COUNT(*) FROM comment_rating r WHERE r.comment_id = c.id AND NOT r.helpful)""",
        "Comment.score": """
            SELECT COUNT(*) FROM comment c WHERE c.score <> c.helpful_count - c.unhelpful_count""",
        "Comment.flag_count": """
            SELECT COUNT(*) FROM comment c WHERE c.flag_count <>
              (SELECT COUNT(*) FROM flag f WHERE f.comment_id = c.id)""",
    }
    problems = []
    with app.app_context():
        for name, sql in checks.items():
            wrong = db.session.scalar(text(sql))
            if wrong:
                problems.append(f"{name}: {wrong} rows differ")
    return problems
