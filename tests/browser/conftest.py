"""Real-browser tests: Playwright for Python driving Debian's chromium.

`playwright install` cannot download browsers here, so the tests launch the system
chromium. Without it they skip with the reason; CI sets REQUIRE_BROWSER=1 so that a
missing browser fails the run instead.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 375, "height": 812}
SMALL_PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


class _RequestsInFlight:
    """The live server's requests still being answered, counted from the moment the server hands
    one to its thread until that thread has closed its database connection."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()

    def add(self, step: int) -> None:
        with self.changed:
            self.count += step
            self.changed.notify_all()

    def wait_until_none(self, timeout: float = 15.0, settled: float = 0.1) -> None:
        """Return once no request has been in flight for `settled` seconds, so that a request
        the browser sent just before its page closed is not missed."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while time.monotonic() < deadline:
                if self.count == 0 and not self.changed.wait(settled):
                    return
                if self.count:
                    self.changed.wait(deadline - time.monotonic())
        raise AssertionError(f"the live server still answers {self.count} request(s) after {timeout} s")


IN_FLIGHT = _RequestsInFlight()


@pytest.fixture(scope="session", autouse=True)
def _count_live_server_requests():
    """A test's last click can leave a request (or the service worker's fetch of a page to keep)
    running in the live server after the page is closed. Its open transaction would then meet
    the end-of-test flush: on PostgreSQL the TRUNCATE failed beside it, and the next test
    started on the rows that were not removed. `_live_server_done_before_the_flush` waits for them."""
    from django.core.servers.basehttp import ThreadedWSGIServer

    process_request = ThreadedWSGIServer.process_request
    process_request_thread = ThreadedWSGIServer.process_request_thread

    def counted_process_request(self, request, client_address):
        IN_FLIGHT.add(1)
        try:
            process_request(self, request, client_address)
        except BaseException:
            IN_FLIGHT.add(-1)
            raise

    def counted_process_request_thread(self, request, client_address):
        try:
            process_request_thread(self, request, client_address)
        finally:
            IN_FLIGHT.add(-1)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ThreadedWSGIServer, "process_request", counted_process_request)
        patch.setattr(ThreadedWSGIServer, "process_request_thread", counted_process_request_thread)
        yield


@pytest.fixture(autouse=True)
def _live_server_done_before_the_flush(request):
    """Set up after the test's database and torn down before it: the flush waits for the
    live server's last requests."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    IN_FLIGHT.wait_until_none()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        reason = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # CI machines run two databases' suites on two cores: allow a slow answer, not a wrong one.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _watched_page(browser, live_server, viewport, color_scheme="light"):
    """A fresh page of that size (and light or dark setting) on the live server; console errors
    fail the test."""
    context = browser.new_context(viewport=viewport, base_url=live_server.url, color_scheme=color_scheme)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def phone(browser, live_server):
    yield from _watched_page(browser, live_server, PHONE)


@pytest.fixture
def small_phone(browser, live_server):
    """The narrowest phone the pages are made for."""
    yield from _watched_page(browser, live_server, SMALL_PHONE)


@pytest.fixture
def desktop(browser, live_server):
    yield from _watched_page(browser, live_server, {"width": 1280, "height": 900})


@pytest.fixture
def dark_phone(browser, live_server):
    """A phone set to dark mode (the page follows prefers-color-scheme)."""
    yield from _watched_page(browser, live_server, PHONE, color_scheme="dark")


@pytest.fixture
def dark_small_phone(browser, live_server):
    yield from _watched_page(browser, live_server, SMALL_PHONE, color_scheme="dark")


@pytest.fixture
def dark_desktop(browser, live_server):
    yield from _watched_page(browser, live_server, {"width": 1280, "height": 900}, color_scheme="dark")


def no_accessibility_violations(page) -> None:
    """axe-core finds nothing on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str = "correct-horse-battery") -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
