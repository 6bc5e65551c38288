"""Production settings refuse to start without a real secret and pass `check --deploy`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.templatetags.static import static
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


def test_static_files_are_served_brotli_or_gzip_compressed(client, settings, tmp_path):
    """Production collects static files with brotli and gzip copies beside them; whitenoise
    answers a browser that accepts brotli with the .br file (the chart's plotly.js: about a
    third of its gzip size off a phone's download)."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "ldnjournal.storage.StaticFiles"},  # production's
    }
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]  # ours only
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--no-input", verbosity=0)
    name = "vendor/plotly-basic.min.js"
    url = static(name)
    stored = Path(staticfiles_storage.path(staticfiles_storage.stored_name(name)))
    assert url.endswith(stored.name)  # the hashed name: browsers may keep it for good
    for encoding, suffix in [("br", ".br"), ("gzip", ".gz")]:
        response = client.get(url, headers={"accept-encoding": encoding})
        assert response.status_code == 200
        assert response["Content-Encoding"] == encoding
        body = b"".join(response.streaming_content)
        assert body == Path(f"{stored}{suffix}").read_bytes()
    brotli_size = Path(f"{stored}.br").stat().st_size
    assert brotli_size < Path(f"{stored}.gz").stat().st_size < stored.stat().st_size
    assert staticfiles_storage.addresses[name] == url  # worked out once, for every later page
    for _ in range(2):  # a name missing from the manifest fails every time, never remembered
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            static("no-such-file.js")


@pytest.mark.parametrize(
    ("key", "subject", "refusal"),
    [
        ("not-a-key", "mailto:it@clinic.example", "VAPID_PRIVATE_KEY"),
        (
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "mailto:it@clinic.example",
            "VAPID_PRIVATE_KEY",
        ),  # zero
        ("Aw3T4yRSItjqvmS_c6HgkfSqjRCm2ZAN0s-KfPZyI1E", "", "VAPID_SUBJECT"),
    ],
)
def test_production_refuses_a_bad_push_key_or_contact(key, subject, refusal):
    result = manage("check", VAPID_PRIVATE_KEY=key, VAPID_SUBJECT=subject)
    assert result.returncode != 0
    assert refusal in result.stderr


def test_production_without_a_push_key_has_push_off_and_with_one_derives_the_public_key():
    from ldnjournal.vapid import new_private_key, public_key

    code = "from django.conf import settings; print(repr(settings.VAPID_PUBLIC_KEY))"
    off = manage("shell", "-c", code)
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip().endswith("''")
    key = new_private_key()
    on = manage("shell", "-c", code, VAPID_PRIVATE_KEY=key, VAPID_SUBJECT="mailto:it@clinic.example")
    assert on.returncode == 0, on.stderr
    assert repr(public_key(key)) in on.stdout
