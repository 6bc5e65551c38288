"""Production settings refuse to start without a real secret and pass `check --deploy`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

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
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_htmx_keeps_to_this_site_and_stores_no_pages(client, alice):
    """htmx's own defaults, made explicit: requests to this site only, no eval, no scripts
    from swapped content, and no page snapshots (patient data) in sessionStorage."""
    client.force_login(alice.user)
    page = client.get(reverse("today")).content.decode()
    config = json.loads(re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1))
    assert config == {
        "selfRequestsOnly": True,
        "allowEval": False,
        "allowScriptTags": False,
        "historyCacheSize": 0,
        "refreshOnHistoryMiss": True,
    }
    assert page.index('name="htmx-config"') < page.index("htmx-2.min.js")  # read when htmx starts
