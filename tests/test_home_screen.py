"""Added to a phone's home screen, the app opens on its own like an app (a web app manifest):
what an iPhone needs before it lets a web app receive push reminders."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

STATIC = Path(settings.BASE_DIR) / "static"


def manifest() -> dict:
    return json.loads((STATIC / "manifest.webmanifest").read_text())


def png_size(path: Path) -> tuple[int, int]:
    width, height = struct.unpack(">II", path.read_bytes()[16:24])  # the IHDR chunk
    return width, height


def test_every_page_links_the_manifest_and_the_home_screen_icon(client, alice):
    pages = [client.get(reverse("login"))]
    client.force_login(alice.user)
    pages.append(client.get(reverse("today"), follow=True))
    for page in pages:
        html = page.content.decode()
        assert 'rel="manifest" href="/static/manifest.webmanifest"' in html
        assert 'rel="apple-touch-icon" href="/static/icon-180.png"' in html


def test_the_manifest_opens_today_on_its_own_with_icons_of_the_sizes_it_names():
    app = manifest()
    assert (app["display"], app["start_url"], app["scope"]) == ("standalone", "/today/", "/")
    assert app["start_url"].startswith(app["scope"])
    for icon in app["icons"]:
        path = STATIC / icon["src"]
        assert path.is_file()
        if icon["type"] == "image/png":
            width, height = png_size(path)
            assert icon["sizes"] == f"{width}x{height}"
    assert png_size(STATIC / "icon-180.png") == (180, 180)  # the size iOS asks for


def test_the_manifest_is_served_as_a_manifest(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]  # ours only
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--no-input", verbosity=0)
    response = client.get("/static/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
