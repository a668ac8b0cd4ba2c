"""Where cached pages and tag versions live.

Two stores, each with two implementations:

- pages: in this process's memory, least recently used out first, bounded in bytes
  (cachetools), or in Redis, shared by every app server (redis-py; pages expire by TTL, and
  Redis evicts them first under `maxmemory-policy volatile-lru`);
- tag versions: a small SQLite file beside the database (every worker process of one server
  reads and bumps the same file), or Redis for several app servers. A version is a counter per
  tag; `GENERATION` counts every bump, so a page whose stored generation is still current needs
  no look-up of its tags at all.

Only the tagging is hand-written: these stores are thin wrappers over cachetools, sqlite3 and
redis-py (BENCHMARKS.md says why Flask-Caching's own API does not fit: it has no tags).
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass

from cachetools import LRUCache

GENERATION = "@generation"
STAT_NAMES = ("hits", "misses", "stored", "not_stored")


@dataclass(slots=True)
class Entry:
    """A stored answer: what to send, and what it showed."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    tags: tuple[str, ...]
    versions: tuple[int, ...]
    generation: int
    expires: float
    rule: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def size(self) -> int:
        return len(self.body) + 64 * (len(self.headers) + len(self.tags)) + 200

    def dumps(self) -> bytes:
        meta = {
            "status": self.status, "headers": self.headers, "tags": self.tags, "versions": self.versions,
            "generation": self.generation, "expires": self.expires, "rule": self.rule,
            "etag": self.etag, "last_modified": self.last_modified,
        }
        return json.dumps(meta, separators=(",", ":")).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, data: bytes) -> Entry:
        meta, _, body = data.partition(b"\n")
        values = json.loads(meta)
        return cls(
            status=values["status"], headers=[tuple(pair) for pair in values["headers"]], body=body,
            tags=tuple(values["tags"]), versions=tuple(values["versions"]), generation=values["generation"],
            expires=values["expires"], rule=values["rule"], etag=values["etag"],
            last_modified=values["last_modified"],
        )


# ---------------------------------------------------------------------------------------------
# Pages


class MemoryPages:
    """This process's pages, bounded in bytes, least recently used out first."""

    kind = "memory"

    def __init__(self, max_bytes: int):
        self._pages: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry.size)
        self._lock = threading.Lock()
        self.max_bytes = max_bytes

    def get(self, key: str) -> Entry | None:
        with self._lock:
            return self._pages.get(key)

    def set(self, key: str, entry: Entry) -> None:
        if entry.size > self.max_bytes // 8:
            return  # one page never pushes out an eighth of the cache
        with self._lock:
            self._pages[key] = entry

    def delete(self, key: str) -> None:
        with self._lock:
            self._pages.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()

    def size(self) -> dict:
        with self._lock:
            return {"entries": len(self._pages), "bytes": int(self._pages.currsize), "max_bytes": self.max_bytes}


class RedisPages:
    """Pages in Redis, shared by every app server; each expires at the given time."""

    kind = "redis"

    def __init__(self, client, prefix: str):
        self._redis = client
        self._prefix = prefix + "page:"

    def get(self, key: str) -> Entry | None:
        data = self._redis.get(self._prefix + key)
        return Entry.loads(data) if data is not None else None

    def set(self, key: str, entry: Entry) -> None:
        ttl = max(1, int(entry.expires - time.time()))
        self._redis.set(self._prefix + key, entry.dumps(), ex=ttl)

    def clear(self) -> None:
        keys = list(self._redis.scan_iter(match=self._prefix + "*", count=1000))
        for start in range(0, len(keys), 500):
            self._redis.unlink(*keys[start:start + 500])

    def size(self) -> dict:
        info = self._redis.info("memory")
        entries = sum(1 for _ in self._redis.scan_iter(match=self._prefix + "*", count=1000))
        return {"entries": entries, "bytes": int(info.get("used_memory", 0)),
                "max_bytes": int(info.get("maxmemory", 0))}


class LayeredPages:
    """Redis behind this process's own LRU. A page found in either is used only while its tags
    are current (the middleware checks), so a local copy is exactly as right as Redis's, and a
    hit after no write anywhere costs one round trip (the generation) instead of two plus
    decoding the page."""

    kind = "redis"

    def __init__(self, local: MemoryPages, shared: RedisPages):
        self.local, self.shared = local, shared

    def get(self, key: str) -> Entry | None:
        entry = self.local.get(key)
        if entry is None:
            entry = self.shared.get(key)
            if entry is not None:
                self.local.set(key, entry)
        return entry

    def drop_local(self, key: str) -> Entry | None:
        """The local copy is stale: forget it and take Redis's (another server may have a newer one)."""
        self.local.delete(key)
        entry = self.shared.get(key)
        if entry is not None:
            self.local.set(key, entry)
        return entry

    def set(self, key: str, entry: Entry) -> None:
        self.local.set(key, entry)
        self.shared.set(key, entry)

    def clear(self) -> None:
        self.local.clear()
        self.shared.clear()

    def size(self) -> dict:
        return self.shared.size()


# ---------------------------------------------------------------------------------------------
# Tag versions


class LocalTags:
    """Tag versions of this process only (tests, and one process serving alone)."""

    kind = "local"

    def __init__(self):
        self._versions: dict[str, int] = {}
        self._stats: dict[str, int] = {}
        self._lock = threading.Lock()

    def generation(self) -> int:
        return self._versions.get(GENERATION, 0)

    def versions(self, tags) -> tuple[list[int], int]:
        with self._lock:
            return [self._versions.get(tag, 0) for tag in tags], self._versions.get(GENERATION, 0)

    def bump(self, tags) -> None:
        with self._lock:
            for tag in (*tags, GENERATION):
                self._versions[tag] = self._versions.get(tag, 0) + 1

    def add_stats(self, counts: dict[str, int]) -> None:
        with self._lock:
            for name, value in counts.items():
                self._stats[name] = self._stats.get(name, 0) + value

    def stats(self) -> dict[str, int]:
        return {name: self._stats.get(name, 0) for name in STAT_NAMES}

    def reset_stats(self) -> None:
        self._stats.clear()


class SqliteTags:
    """Tag versions in a SQLite file that every worker process of one server shares.

    The file holds only counters: WAL with synchronous=NORMAL (no fsync per bump). If the
    machine loses power, the in-memory pages of the dead processes are gone too.
    """

    kind = "sqlite"

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()
        with self._connect() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS tag_version (tag TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            connection.execute("CREATE TABLE IF NOT EXISTS stat (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        # One connection per process and thread: gunicorn forks after the app is created.
        key = (os.getpid(), threading.get_ident())
        if getattr(self._local, "key", None) != key:
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.key, self._local.connection = key, connection
        return self._local.connection

    def generation(self) -> int:
        row = self._connect().execute("SELECT version FROM tag_version WHERE tag = ?", (GENERATION,)).fetchone()
        return row[0] if row else 0

    def versions(self, tags) -> tuple[list[int], int]:
        tags = list(tags)
        found: dict[str, int] = {}
        connection = self._connect()
        # One statement, so the versions and the generation are read at the same instant.
        for start in range(0, max(len(tags), 1), 900):
            chunk = tags[start:start + 900] + [GENERATION]
            marks = ",".join("?" * len(chunk))
            found.update(connection.execute(f"SELECT tag, version FROM tag_version WHERE tag IN ({marks})", chunk))
        return [found.get(tag, 0) for tag in tags], found.get(GENERATION, 0)

    def bump(self, tags) -> None:
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                "INSERT INTO tag_version (tag, version) VALUES (?, 1) "
                "ON CONFLICT (tag) DO UPDATE SET version = version + 1",
                [(tag,) for tag in (*tags, GENERATION)],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def add_stats(self, counts: dict[str, int]) -> None:
        self._connect().executemany(
            "INSERT INTO stat (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
            list(counts.items()),
        )

    def stats(self) -> dict[str, int]:
        found = dict(self._connect().execute("SELECT name, value FROM stat"))
        return {name: found.get(name, 0) for name in STAT_NAMES}

    def reset_stats(self) -> None:
        self._connect().execute("DELETE FROM stat")


class RedisTags:
    """Tag versions in Redis, shared by every app server. Keys without TTL: with
    `maxmemory-policy volatile-lru` Redis evicts pages (which have one), never versions."""

    kind = "redis"

    def __init__(self, client, prefix: str):
        self._redis = client
        self._prefix = prefix + "tag:"
        self._stats_key = prefix + "stats"

    def generation(self) -> int:
        return int(self._redis.get(self._prefix + GENERATION) or 0)

    def versions(self, tags) -> tuple[list[int], int]:
        keys = [self._prefix + tag for tag in tags]
        values = self._redis.mget([*keys, self._prefix + GENERATION])
        return [int(value or 0) for value in values[:-1]], int(values[-1] or 0)

    def bump(self, tags) -> None:
        pipe = self._redis.pipeline(transaction=True)
        for tag in tags:
            pipe.incr(self._prefix + tag)
        pipe.incr(self._prefix + GENERATION)
        pipe.execute()

    def add_stats(self, counts: dict[str, int]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for name, value in counts.items():
            pipe.hincrby(self._stats_key, name, value)
        pipe.execute()

    def stats(self) -> dict[str, int]:
        found = {key.decode(): int(value) for key, value in self._redis.hgetall(self._stats_key).items()}
        return {name: found.get(name, 0) for name in STAT_NAMES}

    def reset_stats(self) -> None:
        self._redis.delete(self._stats_key)
