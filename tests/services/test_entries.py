"""journal.services.entries: the patient's one entry a day — created, updated as an edit (with
history), left alone when nothing changed, never saved half way — and the calendar link reset."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from journal.models import AuditEvent, DailyEntry, RosterSnapshot, SideEffectReport, Symptom, SymptomScore
from journal.services.entries import calendar_token_reset, entry_save
from tests.factories import make_plan

D = dt.date
NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)
DAY_LOGGED = D(2026, 3, 20)

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def symptom_id(name: str) -> int:
    return Symptom.objects.get(clinic=None, name=name).pk


@pytest.fixture
def plan(alice, carol):
    return make_plan(alice, carol, [(D(2026, 3, 1), "1.5"), (D(2026, 3, 15), "3")])


def save(patient, **changes) -> DailyEntry:
    values = {
        "entry_date": DAY_LOGGED,
        "dose_taken": True,
        "dose_mg": Decimal("3"),
        "timing_taken": "bedtime",
        "time_taken": dt.time(22, 15),
        "sleep_quality": 6,
        "notes": "",
        "dose_deviation_confirmed": False,
        "side_effects": {"vivid_dreams": ("mild", "")},
        **changes,
    }
    if "scores" not in values:
        values["scores"] = {symptom_id("Pain"): 4, symptom_id("Fatigue"): 5}
    return entry_save(patient=patient, **values)


def scores_of(entry: DailyEntry) -> dict[str, int]:
    return {score.symptom.name: score.score for score in entry.scores.select_related("symptom")}


def side_effects_of(entry: DailyEntry) -> dict[str, tuple[str, str]]:
    return {report.kind: (report.severity, report.other_text) for report in entry.side_effects.all()}


def test_entry_save_creates_the_days_entry_with_its_scores_and_side_effects(alice, plan):
    entry = save(alice, notes="Slept well")
    entry.refresh_from_db()
    assert (entry.entry_date, entry.dose_taken, entry.dose_mg) == (DAY_LOGGED, True, Decimal("3"))
    assert (entry.timing_taken, entry.time_taken, entry.sleep_quality) == ("bedtime", dt.time(22, 15), 6)
    assert entry.notes == "Slept well"
    assert entry.edit_count == 0
    assert scores_of(entry) == {"Pain": 4, "Fatigue": 5}
    assert side_effects_of(entry) == {"vivid_dreams": ("mild", "")}


def test_an_entry_is_not_an_audit_event(alice, plan):
    # Entries keep their own history (simple_history); the audit log is for clinical decisions.
    save(alice)
    assert not AuditEvent.objects.exists()


def test_saving_the_day_again_updates_it_as_an_edit_and_keeps_the_history(alice, plan):
    first = save(alice)
    second = save(
        alice,
        dose_mg=Decimal("1.5"),
        dose_deviation_confirmed=True,
        scores={symptom_id("Pain"): 2},
        side_effects={"headache": ("moderate", ""), "other": ("mild", "Dry mouth")},
    )
    assert second.pk == first.pk
    assert DailyEntry.objects.count() == 1
    second.refresh_from_db()
    assert second.edit_count == 1
    assert second.dose_mg == Decimal("1.5")
    assert second.dose_deviation_confirmed is True
    assert scores_of(second) == {"Pain": 2}  # Fatigue left out: its score goes
    assert side_effects_of(second) == {"headache": ("moderate", ""), "other": ("mild", "Dry mouth")}
    assert list(second.history.values_list("dose_mg", flat=True)) == [Decimal("1.5"), Decimal("3")]


def test_a_score_changed_alone_is_an_edit_that_rewrites_only_that_score(alice, plan):
    entry = save(alice)
    fatigue = SymptomScore.objects.get(entry=entry, symptom_id=symptom_id("Fatigue"))
    save(alice, scores={symptom_id("Pain"): 7, symptom_id("Fatigue"): 5})
    entry.refresh_from_db()
    assert entry.edit_count == 1
    assert scores_of(entry) == {"Pain": 7, "Fatigue": 5}
    assert fatigue.history.count() == 1  # untouched: written once


def test_a_resubmission_with_nothing_changed_writes_nothing(alice, plan, django_assert_num_queries):
    entry = save(alice)
    history = DailyEntry.history.count(), SymptomScore.history.count(), SideEffectReport.history.count()
    # the entry, its scores and its side effects to compare with: 3 queries, no transaction,
    # no lock and not one write.
    scores = {symptom_id("Pain"): 4, symptom_id("Fatigue"): 5}
    with django_assert_num_queries(3):
        again = save(alice, scores=scores)
    assert again.pk == entry.pk
    again.refresh_from_db()
    assert again.edit_count == 0
    assert (
        DailyEntry.history.count(),
        SymptomScore.history.count(),
        SideEffectReport.history.count(),
    ) == history


@pytest.mark.parametrize(
    "bad",
    [
        {"dose_mg": Decimal("60")},  # not LDN
        {"sleep_quality": 11},
        {"dose_taken": False},  # a dose in mg with "not taken"
        {"side_effects": {"other": ("mild", "")}},  # "other" needs its words
    ],
)
def test_an_invalid_entry_saves_nothing(alice, plan, bad):
    with pytest.raises(ValidationError):
        save(alice, **bad)
    assert not DailyEntry.objects.exists()
    assert not SymptomScore.objects.exists()
    assert not SideEffectReport.objects.exists()


def test_an_invalid_update_leaves_the_entry_as_it_was(alice, plan):
    save(alice, notes="first")
    with pytest.raises(ValidationError):
        save(alice, notes="second", scores={symptom_id("Pain"): 11})
    entry = DailyEntry.objects.get()
    assert entry.notes == "first"
    assert entry.edit_count == 0
    assert scores_of(entry) == {"Pain": 4, "Fatigue": 5}


def test_nothing_is_saved_half_way(alice, plan, frozen):
    """A failure after the entry row is written (here a score the form would have refused)
    rolls the whole save back."""
    with pytest.raises(Exception, match="score"):
        entry_save(
            patient=alice,
            entry_date=D(2026, 3, 20),
            dose_taken=True,
            dose_mg=Decimal("3"),
            timing_taken="bedtime",
            time_taken=None,
            sleep_quality=5,
            notes="",
            dose_deviation_confirmed=False,
            scores={symptom_id("Pain"): 11},
            side_effects={},
        )
    assert not DailyEntry.objects.exists()


def test_calendar_token_reset_gives_a_new_address_and_is_audited(alice):
    old = alice.calendar_token
    new = calendar_token_reset(patient=alice, actor=alice.user)
    alice.refresh_from_db()
    assert new == alice.calendar_token
    assert new != old
    event = AuditEvent.objects.get()
    assert (event.kind, event.actor, event.patient) == (AuditEvent.Kind.CALENDAR_RESET, alice.user, alice)
    assert event.summary == "Calendar link reset; the old link no longer works."


NOTHING = {
    "dose_taken": False,
    "dose_mg": None,
    "timing_taken": "",
    "time_taken": None,
    "sleep_quality": None,
    "notes": "  ",
    "side_effects": {},
    "scores": {},
}


def test_an_entry_with_nothing_in_it_is_refused(alice):
    with pytest.raises(ValidationError) as refused:
        save(alice, **NOTHING)
    assert refused.value.messages == [
        "This entry has nothing in it yet. Score a symptom or your sleep, report a side effect or "
        "write a note, then save."
    ]
    assert not DailyEntry.objects.exists()


def test_a_missed_dose_alone_is_saved_on_a_prescribed_day(alice, plan):
    assert save(alice, **NOTHING).dose_taken is False


@pytest.mark.parametrize(
    "something",
    ["sleep_quality", "notes", "side_effects", "scores"],
)
def test_one_thing_is_enough_to_save(alice, something):
    values = {
        "sleep_quality": 0,
        "notes": "tired",
        "side_effects": {"headache": ("mild", "")},
        "scores": {symptom_id("Pain"): 0},
    }
    assert save(alice, **{**NOTHING, something: values[something]}).pk is not None


def test_the_roster_row_is_refreshed_with_each_entry_unless_the_caller_does_it_once(alice, plan):
    save(alice, refresh_roster=False, entry_date=DAY_LOGGED - dt.timedelta(days=1))
    assert not RosterSnapshot.objects.filter(patient=alice).exists(), "an import refreshes it at its end"
    save(alice)
    assert RosterSnapshot.objects.get(patient=alice).last_entry == DAY_LOGGED
