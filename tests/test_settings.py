"""Production settings refuse to start without a real secret and pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "ldnjournal.settings",
    "DEBUG": "false",
    "SECRET_KEY": "a-real-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "ldn.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_prints_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", ["", "short", "django-insecure-ldnjournal-development-only"])
def test_production_refuses_a_missing_or_weak_secret_key(secret):
    result = manage("check", SECRET_KEY=secret)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_must_be_a_boolean():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be true or false" in result.stderr
