"""Two-factor sign-in in a real browser: signing in with a code from the app, and setting it up
by reading the key off the page; every page of it passes axe, on a phone and a desktop."""

from __future__ import annotations

from base64 import b32decode

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from journal.models import User
from tests.browser.conftest import log_in, screenshot
from tests.factories import make_clinic, make_clinician
from tests.two_factor import code_for, next_code, with_two_factor


def axe_violations(page) -> list[str]:
    result = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in result.response["violations"]]


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_clinician_signs_in_with_a_code_from_the_app(request, transactional_db, screen):
    page = request.getfixturevalue(screen)
    doctor = make_clinician(make_clinic("Browser Clinic"), "drb")
    with_two_factor(doctor.user)
    log_in(page, "drb")
    assert page.get_by_role("heading", name="Your sign-in code").is_visible()
    assert axe_violations(page) == []
    screenshot(page, f"two-factor-code-{screen}")
    page.get_by_label("Code").fill(next_code(doctor.user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("roster"))


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_clinician_sets_it_up_and_sees_the_recovery_codes_and_sessions(request, transactional_db, screen):
    page = request.getfixturevalue(screen)
    make_clinician(make_clinic("Browser Clinic"), "drb")
    log_in(page, "drb")
    found = {}
    page.goto(reverse("account"))
    found["account"] = axe_violations(page)
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    page.wait_for_load_state()
    found["setup"] = axe_violations(page)
    screenshot(page, f"two-factor-setup-{screen}")
    key = b32decode("".join(page.get_by_test_id("secret-key").inner_text().split())).hex()
    page.get_by_label("Code from the app").fill(code_for(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    found["codes"] = axe_violations(page)
    screenshot(page, f"two-factor-recovery-codes-{screen}")
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("two-factor-status").inner_text().startswith("On")
    page.get_by_text("Turn two-factor sign-in off").click()  # opens the form
    found["account, on"] = axe_violations(page)
    other = page.context.browser.new_context(base_url=page.url.split("/account")[0])
    other_page = other.new_page()
    log_in(other_page, "drb")
    other_page.get_by_label("Code").fill(next_code(User.objects.get(username="drb")))
    other_page.get_by_role("button", name="Sign in").click()
    # signed in once the browser has left the sign-in pages (waiting for the load state of the
    # page already loaded raced the sign-in: the sessions page was read before it was saved)
    other_page.wait_for_url(lambda url: "/login" not in url)
    page.goto(reverse("sessions"))
    assert page.get_by_test_id("session").count() == 2
    found["sessions"] = axe_violations(page)
    screenshot(page, f"sessions-{screen}")
    page.get_by_role("button", name="Sign out everywhere else").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("session").count() == 1
    other_page.goto(reverse("roster"))
    assert other_page.get_by_role("heading", name="Log in").is_visible()
    other.close()
    page.goto(reverse("password_change"))
    found["password"] = axe_violations(page)
    assert {name: violations for name, violations in found.items() if violations} == {}
