"""The daily entry form: saving, updating, every bad input, the 14-day window, the small
hours and time zones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.forms import RadioSelect
from django.urls import reverse

from journal.forms.entries import EntryForm
from journal.models import DailyEntry, SideEffectReport, Symptom, SymptomScore
from tests.factories import make_clinic, make_entry, make_patient, make_plan

D = dt.date
# 19:00 in London (GMT until 29 March): Alice's local date is 20 March.
NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)
URL = "/entry/"

pytestmark = pytest.mark.frozen_at(NOW)


@pytest.fixture
def plan(alice, carol):
    return make_plan(alice, carol, [(D(2026, 3, 1), "1.5"), (D(2026, 3, 15), "3")])


@pytest.fixture
def as_alice(client, alice, frozen):
    client.force_login(alice.user)
    return client


def symptom_id(name: str) -> int:
    return Symptom.objects.get(clinic=None, name=name).pk


def entry_data(**overrides) -> dict:
    data = {
        "entry_date": "2026-03-20",
        "dose_taken": "yes",
        "dose_mg": "3",
        "timing_taken": "bedtime",
        "time_taken": "",
        f"score_{symptom_id('Pain')}": "4",
        f"score_{symptom_id('Fatigue')}": "6",
        "sleep_quality": "7",
        "side_headache": "mild",
        "side_other_text": "",
        "notes": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_form_opens_on_today_with_the_prescription_prefilled(as_alice, plan):
    page = as_alice.get(URL).content.decode()
    assert 'Entry for <time datetime="2026-03-20">Fri 20 Mar</time>' in page
    assert 'name="entry_date" value="2026-03-20"' in page
    assert 'name="dose_mg" value="3"' in page
    assert 'value="bedtime" id="id_timing_taken_0" checked' in page
    assert "Your plan: <strong>3 mg at bedtime</strong>" in page


def test_liquid_plan_shows_the_amount_to_measure(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5")], form="liquid", strength_mg=Decimal("1"))
    assert "measure <strong>1.5 mL = 1.5 mg</strong>" in as_alice.get(URL).content.decode()


@pytest.fixture
def ended_plan(alice, carol):
    """A plan that ended on 10 March: nothing is prescribed on 20 March, after a first dose."""
    return make_plan(alice, carol, [(D(2026, 3, 1), "1.5")], ended_on=D(2026, 3, 10))


def test_baseline_week_asks_no_dose_question(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 25), "1.5")])
    page = as_alice.get(URL).content.decode()
    assert "Baseline:</strong> no dose yet" in page
    assert "Did you take your LDN?" not in page
    assert 'name="dose_taken"' not in page


def test_a_baseline_entry_saves_without_a_dose(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 25), "1.5")])
    data = entry_data(dose_taken=None, dose_mg=None, timing_taken=None)
    as_alice.post(URL, data)
    entry = DailyEntry.objects.get(patient=alice)
    assert (entry.dose_taken, entry.dose_mg, entry.sleep_quality) == (False, None, 7)


def test_a_dose_sent_in_the_baseline_week_is_not_recorded(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 25), "1.5")])
    as_alice.post(URL, entry_data(dose_mg="1.5"))
    assert DailyEntry.objects.get(patient=alice).dose_taken is False


@pytest.fixture
def every_other_day(alice, carol):
    """1.5 mg every other day from 1 March: 19 March has a dose, 20 March (today) none."""
    return make_plan(alice, carol, [(D(2026, 3, 1), "1.5", "bedtime", "every_other_day")])


def test_an_off_day_says_so_and_asks_no_dose_question(as_alice, every_other_day):
    page = as_alice.get(URL).content.decode()
    assert "<strong>Off day:</strong> no dose is due on this day" in page
    assert "Your next dose is on Saturday 21 March." in page
    assert 'name="dose_taken"' not in page
    assert f'name="score_{symptom_id("Pain")}"' in page
    assert 'name="side_headache"' in page
    dose_day = as_alice.get(URL, {"date": "2026-03-19"}).content.decode()
    assert "Off day" not in dose_day
    assert 'name="dose_taken"' in dose_day


def test_an_off_day_entry_counts_neither_taken_nor_missed(as_alice, alice, every_other_day):
    make_entry(alice, D(2026, 3, 19), scores={"Pain": 5})
    before = as_alice.get("/history/").content.decode()
    assert "<strong>1 of 7</strong> prescribed doses" in before
    as_alice.post(URL, entry_data(dose_taken=None, dose_mg=None, timing_taken=None))
    entry = DailyEntry.objects.get(patient=alice, entry_date=D(2026, 3, 20))
    assert (entry.dose_taken, entry.dose_mg, entry.sleep_quality) == (False, None, 7)
    assert entry.side_effects.get().kind == "headache"
    after = as_alice.get("/history/").content.decode()
    assert "<strong>1 of 7</strong> prescribed doses" in after
    day_page = as_alice.get("/history/2026-03-20/").content.decode()
    assert '<span data-testid="day-status">logged, no dose prescribed</span>' in day_page


def test_not_taken_alone_on_an_off_day_is_empty(as_alice, alice, every_other_day):
    page = as_alice.post(URL, {"entry_date": "2026-03-20", "dose_taken": "no"}).content.decode()
    assert EMPTY in page
    assert not DailyEntry.objects.exists()


@pytest.fixture
def cream(alice, carol):
    steps = [(D(2026, 3, 1), "1", "evening")]
    return make_plan(alice, carol, steps, form="cream", strength_mg=Decimal("0.5"))


def test_a_cream_is_asked_about_as_applied_in_the_evening(as_alice, cream):
    page = as_alice.get(URL).content.decode()
    assert (
        "Your plan: <strong>1 mg in the evening</strong> — measure <strong>2 clicks = 1 mg</strong>" in page
    )
    assert "Did you apply your LDN cream?" in page and "Did you take your LDN?" not in page
    assert "When did you apply it?" in page and "Dose applied (mg)" in page
    assert 'value="evening" id="id_timing_taken_2" checked' in page
    assert "As planned: 1 mg in the evening" in page  # folded: the usual day needs no typing
    my_plan = " ".join(as_alice.get("/plan/").content.decode().split())
    assert "1 mg in the evening" in my_plan
    today = as_alice.get("/today/").content.decode()
    assert "Applied 1 mg in the evening" in today and "Took 1" not in today


def test_a_cream_applied_in_the_evening_is_logged_so(as_alice, alice, cream):
    as_alice.post(URL, entry_data(timing_taken="evening", dose_mg="1"))
    entry = DailyEntry.objects.get(patient=alice)
    assert (entry.timing_taken, entry.dose_mg) == ("evening", Decimal("1"))
    day_page = as_alice.get("/history/2026-03-20/").content.decode()
    assert "1 mg in the evening" in day_page


def test_a_cream_left_without_a_time_asks_when_it_was_applied(as_alice, alice, cream):
    page = as_alice.post(URL, entry_data(timing_taken="", dose_mg="")).content.decode()
    assert "Choose when you applied it." in page
    assert "Enter the dose you applied, in mg." in page
    assert not DailyEntry.objects.exists()


EMPTY = (
    "This entry has nothing in it yet. Score a symptom or your sleep, report a side effect or write "
    "a note, then save."
)


def test_an_empty_baseline_entry_is_refused(as_alice, alice):
    data = {"entry_date": "2026-03-20", "notes": "   "}
    page = as_alice.post(URL, data).content.decode()
    assert EMPTY in page
    assert not DailyEntry.objects.exists()


def test_not_taken_alone_is_empty_when_nothing_is_prescribed(as_alice, alice, ended_plan):
    page = as_alice.post(URL, {"entry_date": "2026-03-20", "dose_taken": "no"}).content.decode()
    assert EMPTY in page
    assert not DailyEntry.objects.exists()


def test_not_taken_alone_is_a_missed_dose_when_one_is_prescribed(as_alice, alice, plan):
    as_alice.post(URL, {"entry_date": "2026-03-20", "dose_taken": "no"})
    assert DailyEntry.objects.get(patient=alice).dose_taken is False


def test_an_empty_entry_refused_by_htmx_keeps_the_form(as_alice, alice):
    response = as_alice.post(URL, {"entry_date": "2026-03-20"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert EMPTY in page


def test_the_page_carries_the_deviation_words_for_the_inline_confirmation(as_alice, plan):
    page = as_alice.get(URL).content.decode()
    assert 'data-prescribed-mg="3.000"' in page
    assert (
        'data-words="You logged {typed} mg; your plan says 3 mg for 20 March. A different dose is '
        'fine to record — your clinician will see it."' in page
    )


@pytest.mark.parametrize(("taken", "checked"), [("yes", 0), ("no", 1)])
def test_the_dose_answered_on_today_opens_chosen(as_alice, plan, taken, checked):
    page = as_alice.get(f"{URL}?taken={taken}").content.decode()
    assert f'value="{taken}" id="id_dose_taken_{checked}" checked' in page


def test_an_unknown_answer_from_today_chooses_nothing(as_alice, plan):
    page = as_alice.get(f"{URL}?taken=maybe").content.decode()
    assert 'name="dose_taken" value="yes" id="id_dose_taken_0">' in page
    assert 'name="dose_taken" value="no" id="id_dose_taken_1">' in page


def test_the_dose_folds_under_the_plan_while_it_is_as_planned(as_alice, alice, plan):
    page = as_alice.get(URL).content.decode()
    assert '<details class="dose-details">' in page
    assert "As planned: 3 mg at bedtime</summary>" in page
    make_entry(alice, D(2026, 3, 20), dose_mg=Decimal("2"), dose_deviation_confirmed=True)
    page = as_alice.get(URL).content.decode()
    assert '<details class="dose-details" open>' in page
    assert "As planned" not in page  # 2 mg was logged: the summary does not say otherwise


def test_every_scale_says_what_its_two_ends_mean(as_alice, alice, plan):
    page = as_alice.get(URL).content.decode()
    assert '<legend>Pain today<span class="visually-hidden"> (0 none, 10 worst)</span></legend>' in page
    assert "<span>0 none</span><span>10 worst</span>" in page
    assert "How well did you sleep last night?" in page
    assert "<span>0 very badly</span><span>10 very well</span>" in page


def test_saving_creates_one_entry_with_scores_and_side_effects(as_alice, alice, plan):
    response = as_alice.post(URL, entry_data(notes="Slept well", time_taken="22:15"))
    assert response.status_code == 302
    assert response.url == f"{URL}?date=2026-03-20"
    entry = DailyEntry.objects.get(patient=alice)
    assert (entry.entry_date, entry.dose_taken, entry.dose_mg, entry.timing_taken) == (
        D(2026, 3, 20),
        True,
        Decimal("3"),
        "bedtime",
    )
    assert entry.time_taken == dt.time(22, 15)
    assert entry.sleep_quality == 7
    assert entry.notes == "Slept well"
    assert {s.symptom.name: s.score for s in entry.scores.all()} == {"Pain": 4, "Fatigue": 6}
    assert [(r.kind, r.severity) for r in entry.side_effects.all()] == [("headache", "mild")]
    assert entry.edit_count == 0
    assert not entry.dose_deviation_confirmed
    assert "Saved your entry for Friday 20 March" in as_alice.get(response.url).content.decode()


def test_saving_the_same_day_again_updates_it_and_keeps_the_history(as_alice, alice, plan):
    as_alice.post(URL, entry_data())
    changes = {f"score_{symptom_id('Pain')}": "2", "side_headache": "", "side_nausea": "severe"}
    as_alice.post(URL, entry_data(**changes))
    entry = DailyEntry.objects.get(patient=alice)
    entry.refresh_from_db()
    assert entry.edit_count == 1
    assert entry.was_edited
    assert {s.symptom.name: s.score for s in entry.scores.all()} == {"Pain": 2, "Fatigue": 6}
    assert [(r.kind, r.severity) for r in entry.side_effects.all()] == [("nausea", "severe")]
    assert entry.history.count() == 2
    pain_history = SymptomScore.history.filter(symptom__name="Pain").order_by("history_date")
    assert [record.score for record in pain_history] == [4, 2]
    assert SideEffectReport.history.filter(kind="headache", history_type="-").exists()


def test_a_repeated_identical_save_is_not_an_edit(as_alice, alice, plan):
    as_alice.post(URL, entry_data())
    as_alice.post(URL, entry_data())
    entry = DailyEntry.objects.get(patient=alice)
    assert entry.edit_count == 0
    assert entry.history.count() == 1


def test_not_taken_clears_the_dose(as_alice, alice, plan):
    as_alice.post(URL, entry_data(dose_taken="no", dose_mg="3", time_taken="22:00"))
    entry = DailyEntry.objects.get(patient=alice)
    assert (entry.dose_taken, entry.dose_mg, entry.timing_taken, entry.time_taken) == (False, None, "", None)


def test_htmx_save_swaps_the_form_without_a_page_load(as_alice, alice, plan):
    response = as_alice.post(URL, entry_data(), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="entry-form">')
    assert "<html" not in page
    assert "<strong>Saved</strong> your entry for Friday 20 March" in page
    assert DailyEntry.objects.filter(patient=alice).count() == 1


def test_htmx_errors_come_back_in_the_fragment(as_alice, alice, plan):
    response = as_alice.post(URL, entry_data(dose_mg="abc"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Enter the dose as a number of mg" in page
    assert "Nothing was saved yet" in page
    assert not DailyEntry.objects.exists()


PAIN = "score_{pain}"
BAD_INPUTS = [
    # (field, value, message the patient sees[, field the message stands next to])
    (PAIN, "11", "Choose a score from 0 to 10."),
    (PAIN, "-1", "Choose a score from 0 to 10."),
    (PAIN, "lots", "Choose a score from 0 to 10."),
    ("sleep_quality", "12", "Choose a score from 0 to 10."),
    ("dose_mg", "0", "The dose must be more than 0 mg."),
    ("dose_mg", "-1.5", "The dose must be more than 0 mg."),
    ("dose_mg", "16.5", "LDN doses go up to 16 mg; check the number you typed (in mg)."),
    ("dose_mg", "50", "50 mg is a standard naltrexone dose, not LDN — check with your clinician."),
    ("dose_mg", "100", "100 mg is a standard naltrexone dose, not LDN — check with your clinician."),
    ("dose_mg", "three", "Enter the dose as a number of mg, e.g. 1.5."),
    ("dose_mg", "NaN", "Enter the dose as a number of mg, e.g. 1.5."),
    ("dose_mg", "", "Enter the dose you took, in mg."),
    ("dose_mg", "1.2345", "Use at most 3 decimal places, e.g. 0.125."),
    ("dose_mg", "1e99999999", "Enter the dose as a number of mg, e.g. 1.5."),  # was a 500
    ("dose_mg", "1" * 5000, "Enter the dose as a number of mg, e.g. 1.5."),
    ("time_taken", "late", "Enter a time like 22:30."),
    ("dose_taken", "", "Choose yes or no."),
    ("dose_taken", "maybe", "Choose yes or no."),
    ("timing_taken", "", "Choose when you took it."),
    ("entry_date", "2026-03-21", "That date is in the future: you can log today or an earlier day."),
    ("entry_date", "2026-03-05", "You can fill in the last 14 days only (back to 6 March)"),
    ("entry_date", "yesterday", "Pick a date."),
    ("notes", "x" * 2001, "Notes can be up to 2,000 characters; these have 2001. Please shorten them."),
    ("side_headache", "terrible", "Choose no, mild, moderate or severe."),
    ("side_other", "mild", "Say what the other side effect was.", "side_other_text"),
]


@pytest.mark.parametrize("row", BAD_INPUTS, ids=lambda row: f"{row[0]}={row[1][:12]}")
def test_bad_input_is_explained_and_nothing_is_saved(as_alice, alice, plan, row):
    field, value, message, *next_to = row
    field = field.format(pain=symptom_id("Pain"))
    response = as_alice.post(URL, entry_data(**{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'href="#field-{next_to[0] if next_to else field}"' in page  # the summary links to the field
    assert not DailyEntry.objects.exists()
    assert not SymptomScore.objects.exists()
    assert not SideEffectReport.objects.exists()


def test_bad_input_leaves_an_existing_entry_as_it_was(as_alice, alice, plan):
    as_alice.post(URL, entry_data(notes="first"))
    as_alice.post(URL, entry_data(notes="second", dose_mg="50"))
    entry = DailyEntry.objects.get(patient=alice)
    assert entry.notes == "first"
    assert entry.edit_count == 0


@pytest.mark.parametrize(
    ("dose", "confirm", "saved", "confirmed"),
    [
        ("3", "", True, False),  # the prescribed dose
        ("3.000", "on", True, False),  # the same dose written differently is no deviation
        ("2", "", False, None),
        ("2", "on", True, True),
    ],
)
def test_a_different_dose_is_allowed_once_confirmed(as_alice, alice, plan, dose, confirm, saved, confirmed):
    response = as_alice.post(URL, entry_data(dose_mg=dose, confirm_deviation=confirm or None))
    entry = DailyEntry.objects.filter(patient=alice).first()
    assert (entry is not None) is saved
    if not saved:
        page = response.content.decode()
        assert "You logged 2 mg; your plan says 3 mg for 20 March" in page
        assert "Tick the box to confirm this dose, or correct it." in page
    else:
        assert entry.dose_deviation_confirmed is confirmed


def test_a_dose_on_a_day_with_nothing_prescribed_asks_for_confirmation(as_alice, alice, ended_plan):
    response = as_alice.post(URL, entry_data(dose_mg="1"))
    assert "No dose is prescribed for 20 March, and you logged 1 mg." in response.content.decode()
    assert not DailyEntry.objects.exists()


def test_comma_decimal_and_unit_are_understood(as_alice, alice, plan):
    as_alice.post(URL, entry_data(dose_mg=" 1,5 mg ", confirm_deviation="on"))
    assert DailyEntry.objects.get(patient=alice).dose_mg == Decimal("1.5")


@pytest.mark.parametrize(
    ("day", "opens_on", "message"),
    [
        ("2026-03-18", 'Entry for <time datetime="2026-03-18">Wed 18 Mar</time>', None),
        ("2026-03-06", 'Entry for <time datetime="2026-03-06">Fri 6 Mar</time>', None),  # 14 days back
        ("2026-03-05", 'Entry for <time datetime="2026-03-20">Fri 20 Mar</time>', "last 14 days only"),
        ("2026-03-21", 'Entry for <time datetime="2026-03-20">Fri 20 Mar</time>', "in the future"),
        ("not-a-date", 'Entry for <time datetime="2026-03-20">Fri 20 Mar</time>', "That is not a date"),
    ],
)
def test_the_form_opens_on_any_of_the_last_14_days(as_alice, plan, day, opens_on, message):
    page = as_alice.get(URL, {"date": day}).content.decode()
    assert opens_on in page
    assert message is None or message in page


def test_an_older_day_opens_with_its_saved_values(as_alice, alice, plan):
    make_entry(
        alice, D(2026, 3, 18), dose_mg=Decimal("3"), timing_taken="bedtime", notes="tired", scores={"Pain": 8}
    )
    page = as_alice.get(URL, {"date": "2026-03-18"}).content.decode()
    assert "tired</textarea>" in page
    assert f'value="8" id="id_score_{symptom_id("Pain")}_8" checked' in page
    assert "saving again updates it" in page


@pytest.mark.parametrize(
    ("local_time", "opens_on", "after_midnight"),
    [
        ("00:30", '<time datetime="2026-03-20">Fri 20 Mar</time>', True),
        ("03:59", '<time datetime="2026-03-20">Fri 20 Mar</time>', True),
        ("04:00", '<time datetime="2026-03-21">Sat 21 Mar</time>', False),
    ],
)
def test_between_midnight_and_4am_the_form_opens_on_the_previous_evening(
    client, alice, plan, local_time, opens_on, after_midnight
):
    hour, minute = map(int, local_time.split(":"))
    with time_machine.travel(dt.datetime(2026, 3, 21, hour, minute, tzinfo=dt.UTC), tick=False):
        client.force_login(alice.user)
        page = client.get(URL).content.decode()
        today_page = client.get(reverse("today")).content.decode()
    assert opens_on in page
    assert ('data-testid="after-midnight"' in page) is after_midnight
    assert ("Last night's entry" in today_page) is after_midnight


def test_time_zones_give_different_todays_at_the_same_instant(client, db):
    clinic = make_clinic()
    auckland = make_patient(clinic, "kiri", time_zone="Pacific/Auckland")
    los_angeles = make_patient(clinic, "lee", time_zone="America/Los_Angeles")
    # 16:00 UTC = 05:00 on 21 March in Auckland (NZDT) = 09:00 on 20 March in Los Angeles (PDT).
    with time_machine.travel(dt.datetime(2026, 3, 20, 16, 0, tzinfo=dt.UTC), tick=False):
        assert auckland.local_today() == D(2026, 3, 21)
        assert los_angeles.local_today() == D(2026, 3, 20)
        client.force_login(auckland.user)
        assert 'Entry for <time datetime="2026-03-21">Sat 21 Mar</time>' in client.get(URL).content.decode()
        client.post(URL, entry_data(entry_date="2026-03-21", dose_taken="no"))
        client.force_login(los_angeles.user)
        assert 'Entry for <time datetime="2026-03-20">Fri 20 Mar</time>' in client.get(URL).content.decode()
        response = client.post(URL, entry_data(entry_date="2026-03-21", dose_taken="no"))
        assert "That date is in the future" in response.content.decode()
    assert list(DailyEntry.objects.values_list("patient__name", "entry_date")) == [("Kiri", D(2026, 3, 21))]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_wrong_method(as_alice, method):
    assert getattr(as_alice, method)(URL).status_code == 405


def test_wrong_user_cannot_write_an_entry(client, carol, alice, frozen):
    client.force_login(carol.user)
    assert client.post(URL, entry_data()).status_code == 403
    client.logout()
    assert client.post(URL, entry_data()).status_code == 302
    assert not DailyEntry.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        None,  # a new entry: the plan's dose, bedtime and "no" side effects chosen
        {"entry_date": "2026-03-20", "dose_taken": "maybe", "sleep_quality": "11", "side_nausea": "mild"},
    ],
)
def test_the_radio_rows_are_the_radios_django_would_draw(as_alice, alice, plan, data):
    """The radio groups are drawn in one loop instead of a widget template per radio: each
    button keeps the name, value, id, required, aria-invalid and checked Django gives it."""
    response = as_alice.post(URL, data) if data else as_alice.get(URL)
    form = response.context["form"]
    content = response.content.decode()
    radio_groups = [name for name, field in form.fields.items() if isinstance(field.widget, RadioSelect)]
    assert len(radio_groups) > 10
    for name in radio_groups:
        for radio in form[name]:
            assert str(radio.tag()) in content


def test_the_rows_are_worded_in_each_readers_language_one_request_after_another(as_alice, plan):
    """The form's symptom and side effect rows are built once per process and language: a
    Spanish page after an English one (and back) is worded in its own language."""
    english = as_alice.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = as_alice.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    again = as_alice.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<legend>Pain today" in english and "<legend>Pain today" in again
    assert "<legend>Dolor hoy" in spanish and "Pain today" not in spanish
    assert "<legend>Headache</legend>" in english
    assert "<legend>Dolor de cabeza</legend>" in spanish


def test_a_forms_rows_are_its_own(plan, alice):
    symptoms = list(alice.tracked_symptoms.all())
    first, second = (
        EntryForm(None, symptoms=symptoms, today=D(2026, 3, 20), prescribed=lambda day: None, asks_dose=bool)
        for _ in range(2)
    )
    first.fields[f"score_{symptom_id('Pain')}"].label = "changed"
    first.fields["side_headache"].required = True
    assert second.fields[f"score_{symptom_id('Pain')}"].label == "Pain today"
    assert second.fields["side_headache"].required is False
