"""On a phone with poor signal: the app installs (a manifest and a service worker), Today, the
entry form and My plan open offline from the copy kept on the phone, and an entry saved offline
waits on the phone, says so, and is sent once the connection is back, through the same form,
also after the session ended meanwhile and the patient signed in again."""

from __future__ import annotations

import datetime as dt
import re
import time
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from journal.models import DailyEntry, LoginSession
from tests.browser.conftest import PHONE, log_in, no_accessibility_violations, screenshot
from tests.factories import make_clinic, make_clinician, make_entry, make_patient, make_plan

KEPT_PAGES = ["/entry/", "/plan/", "/today/"]


@pytest.fixture(autouse=True)
def evening():
    at = dt.datetime(2026, 3, 20, 20, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=True):
        yield


@pytest.fixture
def patient(db):
    clinic = make_clinic("Riverside")
    doctor = make_clinician(clinic, "drr")
    patient = make_patient(
        clinic, "anna", clinicians=(doctor,), symptoms=("Pain",), time_zone="Europe/London"
    )
    make_plan(patient, doctor, [(patient.local_today() - dt.timedelta(days=20), "1.5")])
    return patient


@pytest.fixture
def phone_app(browser, live_server):
    """A phone that lets the service worker run (installed apps do), watched for page errors.
    Console errors of requests refused while offline are the point of these tests: not counted."""
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, service_workers="allow")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"page errors: {errors}"


def controlled_by_the_service_worker(page) -> None:
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        page.reload()
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")


def kept_page_paths(page) -> list[str]:
    return page.evaluate(
        """async () => {
            const paths = [];
            for (const name of await caches.keys()) {
                if (!name.startsWith("ldn-pages-")) continue;
                const cache = await caches.open(name);
                for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
            }
            return [...new Set(paths)].sort();
        }"""
    )


def eventually_kept(page, paths: list[str]) -> None:
    """The service worker keeps pages after answering them: wait (up to 10 s) until it has."""
    deadline = time.monotonic() + 10
    while kept_page_paths(page) != paths and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert kept_page_paths(page) == paths


def unfold(page, details: str) -> None:
    """Open a folded part of the entry form ("Add a note", the dose under "As planned")."""
    part = page.locator(details)
    if part.get_attribute("open") is None:
        part.locator("summary").click()


def fill_note(page, text: str) -> None:
    unfold(page, "details.notes")
    page.locator("#id_notes").fill(text)


def fill_dose(page, mg: str) -> None:
    unfold(page, "details.dose-details")
    page.locator("#id_dose_mg").fill(mg)


def save_entry_offline(page) -> None:
    page.context.set_offline(True)
    page.locator("#field-dose_taken").get_by_text("Yes", exact=True).click()
    page.locator("[id^=field-score_]").first.get_by_text("4", exact=True).click()
    fill_note(page, "Typed on the bus")
    expect(page.locator("#offline-notice")).to_have_text(
        "You are offline. An entry you save is kept on this phone and sent when you are back online."
    )
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator("#outbox")).to_contain_text(
        "Waiting to send: your entry for Friday 20 March is kept on this phone"
    )


def test_the_app_meets_the_install_criteria(phone_app, patient):
    log_in(phone_app, "anna")
    manifest = phone_app.locator("link[rel=manifest]").get_attribute("href")
    app = phone_app.request.get(manifest).json()
    assert (app["display"], app["start_url"]) == ("standalone", "/today/")
    assert any(icon["sizes"] == "512x512" for icon in app["icons"])
    controlled_by_the_service_worker(phone_app)
    scope = phone_app.evaluate("navigator.serviceWorker.ready.then((registration) => registration.scope)")
    assert scope == phone_app.url.split("/today/")[0] + "/"


def test_an_entry_saved_offline_waits_on_the_phone_and_is_sent_once_back_online(phone_app, patient):
    log_in(phone_app, "anna")
    controlled_by_the_service_worker(phone_app)
    phone_app.goto("/entry/")
    save_entry_offline(phone_app)
    screenshot(phone_app, "offline-entry-waiting")
    no_accessibility_violations(phone_app)
    assert not DailyEntry.objects.filter(patient=patient).exists()

    phone_app.context.set_offline(False)
    expect(phone_app.locator("#outbox")).to_contain_text("Sent: your entry for Friday 20 March is saved.")
    expect(phone_app.locator("#outbox")).not_to_contain_text("Waiting to send")
    screenshot(phone_app, "offline-entry-sent")
    entry = DailyEntry.objects.get(patient=patient)
    assert (entry.entry_date, entry.dose_taken, entry.notes) == (
        dt.date(2026, 3, 20),
        True,
        "Typed on the bus",
    )
    assert [score.score for score in entry.scores.all()] == [4]
    phone_app.reload()
    expect(phone_app.locator("#outbox")).to_be_hidden()  # nothing left waiting, nothing sent twice
    assert DailyEntry.objects.filter(patient=patient).count() == 1


def test_the_server_decides_when_the_day_got_an_entry_meanwhile(phone_app, patient):
    log_in(phone_app, "anna")
    controlled_by_the_service_worker(phone_app)
    phone_app.goto("/entry/")
    save_entry_offline(phone_app)
    make_entry(
        patient, dt.date(2026, 3, 20), dose_mg=Decimal("1.5"), scores={"Pain": 8}, notes="From the laptop"
    )

    phone_app.context.set_offline(False)
    expect(phone_app.locator("#outbox")).to_contain_text(
        "Sent: your entry for Friday 20 March is saved. "
        "That day already had an entry: it now holds what you typed on this phone."
    )
    entry = DailyEntry.objects.get(patient=patient)  # one entry a day, edited
    assert (entry.notes, entry.edit_count) == ("Typed on the bus", 1)


def test_an_entry_waits_through_an_ended_session_and_is_sent_after_signing_in(phone_app, patient):
    log_in(phone_app, "anna")
    controlled_by_the_service_worker(phone_app)
    phone_app.goto("/entry/")
    save_entry_offline(phone_app)
    LoginSession.objects.filter(user=patient.user).delete()

    phone_app.context.set_offline(False)
    outbox = phone_app.locator("#outbox")
    expect(outbox).to_contain_text("Your session ended: sign in again to send it.")
    assert not DailyEntry.objects.exists()
    screenshot(phone_app, "offline-entry-sign-in-again")
    outbox.get_by_role("link", name="Sign in").click()
    expect(phone_app.locator("#outbox")).to_contain_text(
        "Entries typed on this phone are waiting to be sent (1)"
    )
    phone_app.get_by_label("Username").fill("anna")
    phone_app.get_by_label("Password").fill("correct-horse-battery")
    phone_app.get_by_role("button", name="Log in").click()
    expect(phone_app.locator("#outbox")).to_contain_text("Sent: your entry for Friday 20 March is saved.")
    assert DailyEntry.objects.get(patient=patient).notes == "Typed on the bus"


def test_today_entry_and_plan_open_offline_and_signing_out_drops_them(phone_app, patient):
    log_in(phone_app, "anna")
    controlled_by_the_service_worker(phone_app)
    phone_app.goto("/history/")  # a patient page not kept
    phone_app.goto("/today/")
    eventually_kept(phone_app, KEPT_PAGES)

    phone_app.context.set_offline(True)
    phone_app.clock.set_system_time(dt.datetime(2026, 3, 21, 9, 0))
    for path, heading in (("/today/", "Today"), ("/plan/", "My plan"), ("/entry/", "Entry for")):
        phone_app.goto(path)
        expect(phone_app.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(phone_app.locator("#offline-notice")).to_contain_text(
            re.compile(
                r"This is the copy of this page kept on this phone, as it was at 20:0\d, Friday 20 March\. "
                r"You are offline\."
            )
        )
    # the next morning, still offline: the form kept yesterday says which day it saves
    notice = phone_app.locator("#offline-notice")
    expect(notice).to_contain_text("This form saves the entry for Friday 20 March.")
    screenshot(phone_app, "offline-entry-from-cache")
    phone_app.goto("/today/")
    expect(phone_app.locator("#offline-notice")).not_to_contain_text("This form saves")
    screenshot(phone_app, "offline-today-from-cache")
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED|ERR_FAILED"):
        phone_app.goto("/history/")

    phone_app.context.set_offline(False)
    phone_app.goto("/today/")
    phone_app.get_by_role("button", name="Log out").click()
    phone_app.wait_for_url("**/login/")
    eventually_kept(phone_app, [])

    log_in(phone_app, "drr")  # a clinician on the same phone: no page of theirs is kept
    phone_app.goto(f"/clinic/patients/{patient.pk}/")
    expect(phone_app.get_by_role("heading", level=1)).to_be_visible()
    phone_app.goto("/clinic/patients/")
    phone_app.wait_for_timeout(500)
    assert kept_page_paths(phone_app) == []


def test_an_entry_the_server_refuses_stays_on_the_phone_with_its_reasons_and_goes_back_in_the_form(
    phone_app, patient
):
    log_in(phone_app, "anna")
    controlled_by_the_service_worker(phone_app)
    phone_app.goto("/entry/")
    phone_app.locator("#field-dose_taken").get_by_text("Yes", exact=True).click()
    fill_dose(phone_app, "900")  # past any LDN dose
    save_entry_offline(phone_app)

    phone_app.context.set_offline(False)
    outbox = phone_app.locator("#outbox")
    expect(outbox).to_contain_text("Not sent: the server did not take your entry for Friday 20 March.")
    expect(outbox).to_contain_text("Dose taken (mg)")
    screenshot(phone_app, "offline-entry-refused")
    no_accessibility_violations(phone_app)
    phone_app.emulate_media(color_scheme="dark")
    screenshot(phone_app, "offline-entry-refused-dark")
    no_accessibility_violations(phone_app)
    phone_app.emulate_media(color_scheme="light")
    assert not DailyEntry.objects.exists()

    outbox.get_by_role("link", name="Put it back in the form").click()
    expect(phone_app.locator("#id_notes")).to_have_value("Typed on the bus")
    expect(phone_app.locator("#id_dose_mg")).to_have_value("900")
    expect(outbox).to_be_hidden()
    fill_dose(phone_app, "1.5")
    phone_app.get_by_role("button", name="Save entry").click()
    phone_app.get_by_test_id("saved").wait_for()
    assert DailyEntry.objects.get(patient=patient).notes == "Typed on the bus"


def test_a_phone_that_cannot_keep_the_entry_says_so_and_leaves_it_in_the_form(phone_app, patient):
    phone_app.context.add_init_script("Object.defineProperty(window, 'indexedDB', { value: undefined });")
    log_in(phone_app, "anna")
    phone_app.goto("/entry/")
    phone_app.context.set_offline(True)
    fill_note(phone_app, "Typed in a private window")
    phone_app.get_by_role("button", name="Save entry").click()
    expect(phone_app.locator("#outbox")).to_contain_text("Not saved: this phone could not keep your entry")
    expect(phone_app.locator("#id_notes")).to_have_value("Typed in a private window")
