"""Databases and app servers for the drills: each database made for the drill and dropped after
it, each app server a gunicorn master with its own workers, in production settings (DEBUG off,
a random SECRET_KEY, behind a simulated TLS proxy), started and stopped by the drill."""

from __future__ import annotations

import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
START_SECONDS = 60


def database_url(url: str, name: str) -> str:
    """`url` with its database name replaced by `name`."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@contextmanager
def database(server_url: str, name: str) -> Iterator[str]:
    """A new, empty database `name` on the server of `server_url`, owned by its role and
    dropped afterwards (with any connection still open to it); yields its URL."""

    def run(statement: str) -> None:
        with psycopg.connect(server_url, autocommit=True) as connection:
            connection.execute(sql.SQL(statement).format(sql.Identifier(name)))

    run("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    run("CREATE DATABASE {}")
    try:
        yield database_url(server_url, name)
    finally:
        run("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def production_environment(url: str, secret_key: str) -> dict[str, str]:
    """The settings of a clinic's server (README, "Running it for a real clinic") for `url`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ldnjournal.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": secret_key,
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "BEHIND_TLS_PROXY": "true",
        "LOG_LEVEL": "WARNING",
        "EXPORT_ROOT": str(Path(tempfile.gettempdir()) / "drills-exports"),
    }


def new_secret_key() -> str:
    return secrets.token_urlsafe(50)


def free_ports(count: int) -> list[int]:
    """`count` ports free now: DRILLS_PORTS=8775 asks for 8775, 8776, …; else the system's."""
    if first := os.environ.get("DRILLS_PORTS"):
        return [int(first) + offset for offset in range(count)]
    ports = []
    for _ in range(count):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            ports.append(probe.getsockname()[1])
    return ports


class AppServer:
    """`gunicorn ldnjournal.wsgi` with `workers` workers on `port`, as the README runs it."""

    def __init__(self, environment: dict[str, str], port: int, *, workers: int):
        self.environment, self.port, self.workers = environment, port, workers
        self.log = Path(tempfile.mkstemp(prefix=f"drills-gunicorn-{port}-", suffix=".log")[1])
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AppServer:
        command = [sys.executable, "-m", "gunicorn", "ldnjournal.wsgi", "--workers", str(self.workers)]
        command += ["--bind", f"{HOST}:{self.port}"]
        # gunicorn.conf.py logs to the console (with tokens masked): here, to the log file.
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        self._wait_until_ready()
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if exc_info[0] is None:
            self.log.unlink(missing_ok=True)
        else:
            print(f"gunicorn's log: {self.log}", file=sys.stderr)

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on port {self.port} stopped: {self.log.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/login/", headers={"X-Forwarded-Proto": "https"})
                if connection.getresponse().status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer within {START_SECONDS} s")

    def worker_pids(self) -> list[int]:
        """The master's children: its workers (Linux /proc)."""
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def kill_worker(self) -> int:
        """`kill -9` one worker, picked at random, as the kernel's OOM killer would; its pid."""
        pid = random.choice(self.worker_pids())
        os.kill(pid, signal.SIGKILL)
        return pid
