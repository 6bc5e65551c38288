"""The clinician sees what a patient changed when they edited an entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from journal.entry_history import Version, entry_changes
from journal.models import Symptom
from journal.services.entries import entry_save

T0 = dt.datetime(2026, 3, 20, 21, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def entry(minutes: int, **values) -> Version:
    return Version(
        at(minutes),
        "entry",
        {"dose_taken": True, "dose_mg": Decimal("3"), "sleep_quality": 5, "notes": "", **values},
    )


def pain(minutes: int, score: int | None) -> Version:
    return Version(at(minutes), "Pain", {"score": score}, removed=score is None)


@pytest.mark.parametrize(
    ("versions", "expected"),
    [
        # saved once: nothing changed
        ([entry(0), pain(0, 4)], []),
        # an entry field changed
        ([entry(0), entry(30, sleep_quality=7)], [("Sleep quality", "5", "7")]),
        (
            [entry(0), entry(30, dose_taken=False, dose_mg=None)],
            [("Dose taken", "yes", "no"), ("Dose (mg)", "3", "—")],
        ),
        # a score changed, was taken out, or was first given in a later save
        ([entry(0), pain(0, 4), entry(30), pain(30, 2)], [("Pain", "4", "2")]),
        ([entry(0), pain(0, 4), entry(30), pain(30, None)], [("Pain", "4", "—")]),
        ([entry(0), entry(30), pain(30, 6)], [("Pain", "—", "6")]),
        # several edits, in order
        (
            [entry(0, notes="a"), entry(10, notes="b"), entry(20, notes="c")],
            [("Notes", "a", "b"), ("Notes", "b", "c")],
        ),
    ],
)
def test_entry_changes(versions, expected):
    changes = entry_changes(versions, created_at=T0)
    assert [(change.what, change.before, change.after) for change in changes] == expected


def save(patient, day, *, pain: int, sleep: int) -> None:
    entry_save(
        patient=patient,
        entry_date=day,
        dose_taken=True,
        dose_mg=Decimal("1.5"),
        timing_taken="bedtime",
        time_taken=None,
        sleep_quality=sleep,
        notes="",
        dose_deviation_confirmed=False,
        scores={Symptom.objects.get(clinic=None, name="Pain").pk: pain},
        side_effects={},
    )


def test_the_clinician_page_shows_what_an_edit_changed(client, alice, carol):
    day = dt.date(2026, 3, 20)
    with time_machine.travel(T0, tick=False):
        save(alice, day, pain=4, sleep=5)
    with time_machine.travel(at(45), tick=False):
        save(alice, day, pain=2, sleep=5)
        client.force_login(carol.user)
        content = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "Edited 1 time: what changed" in content
    assert "20 Mar, 21:45</time> — Pain: 4 → 2" in content  # in the clinic's zone (GMT in March)


def test_a_much_edited_entry_shows_its_latest_changes_and_links_to_all(client, alice, carol, monkeypatch):
    """One patient's page grew from 62 KB to 256 KB after 900 edits: the page shows each
    entry's latest 20 changes, and all of them, a page at a time, on the entry's own page."""
    import journal.views.review as review_views

    day = dt.date(2026, 3, 20)
    for edit in range(31):  # the first save, then 30 edits, each a change of Pain
        with time_machine.travel(at(edit), tick=False):
            save(alice, day, pain=edit % 2, sleep=5)
    client.force_login(carol.user)
    with time_machine.travel(at(60), tick=False):
        content = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
        changes_url = reverse("entry_changes", args=[alice.pk, day])
        monkeypatch.setattr(review_views, "CHANGES_PER_PAGE", 12)
        first = client.get(changes_url).content.decode()
        last = client.get(changes_url, {"page": 3}).content.decode()
    assert "Edited 30 times: what changed" in content
    assert content.count("— Pain:") == 20
    assert "21:30</time> — Pain: 1 → 0" in content  # the latest
    assert "21:10</time> — Pain: 1 → 0" not in content  # the 11th is on the entry's page
    assert f'href="{changes_url}"' in content and "All 30 changes" in content
    assert "30 changes, newest first; page 1 of 3." in first
    assert first.count("— Pain:") == 12
    assert first.index("21:30</time>") < first.index("21:29</time>")
    assert last.count("— Pain:") == 6
    assert "21:01</time> — Pain: 0 → 1" in last


def test_an_entry_edited_a_few_times_lists_every_change_and_no_link(client, alice, carol):
    day = dt.date(2026, 3, 20)
    for edit in range(3):
        with time_machine.travel(at(edit), tick=False):
            save(alice, day, pain=edit, sleep=5)
    client.force_login(carol.user)
    with time_machine.travel(at(60), tick=False):
        content = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert content.count("— Pain:") == 2
    assert "all-changes" not in content


@pytest.mark.parametrize("day", ["2026-02-30", "yesterday", "2026-13-01"])
def test_the_changes_page_of_no_date_is_not_found(client, alice, carol, day):
    client.force_login(carol.user)
    assert client.get(f"/clinic/patients/{alice.pk}/entries/{day}/changes/").status_code == 404
