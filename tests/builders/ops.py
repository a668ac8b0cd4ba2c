"""Helpers for the production-setup tests: gunicorn processes serving the app over real HTTP."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.helpers.paths import ROOT
from tests.plugins.smtp import free_port

GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET_KEY = "ops-test-shared-secret-not-for-production"
# Importing the app takes seconds on a busy CI machine; the servers start in parallel.
START_TIMEOUT = 90


class Gunicorn:
    """A gunicorn process serving wsgi:app on 127.0.0.1; `.url` is its base URL."""

    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        environment = {
            key: value for key, value in os.environ.items()
            # The server is configured only by what the test passes, never by the test runner's settings.
            if not key.startswith(("TEST_DATABASE_URL", "DATABASE_URL", "RATELIMIT_", "REDIS_URL", "MAIL_", "PAGE_CACHE_", "BASE_URL"))
        }
        environment.update({
            "ETAPPEN_CONFIG": "development",
            "SECRET_KEY": SECRET_KEY,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_GRACEFUL_TIMEOUT": "5",
            "LOG_REQUESTS": "0",
            "FORM_MIN_FILL_SECONDS": "0",
            "MAIL_OUTBOX_DIR": str(log_path.parent / "outbox"),
            # The page cache's tag versions of these servers only (not the checkout's instance/).
            "PAGE_CACHE_TAGS_PATH": str(log_path.parent / "page-cache-tags.sqlite"),
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        environment.update(env)
        self._log = open(log_path, "wb")  # noqa: SIM115 closed in stop()
        # A session of its own: the server and its workers form one process group we can kill.
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=environment,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_until_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer /health within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the arbiter and its workers: no clean shutdown, as in a crash."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-5000:]


@contextmanager
def gunicorn_servers(tmp_path: Path, env: dict[str, str], count: int = 1, workers: int = 1):
    """`count` gunicorn processes with the same environment, started in parallel, stopped afterwards."""
    servers: list[Gunicorn] = []
    try:
        for number in range(count):
            servers.append(Gunicorn(env, tmp_path / f"gunicorn-{number}.log", workers=workers))
        for server in servers:
            server.wait_until_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()
