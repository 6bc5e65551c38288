"""journal.labs: lab results as plain data, in words; and the lab result form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.forms.labs import LabResultForm
from journal.labs import LabValue, by_test, latest_pair, range_words, result_words, value_words
from journal.models import LabTest
from journal.schedule import DAY
from journal.selectors.labs import lab_tests_of

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()
OPENED = TODAY - 30 * DAY  # Alice's record was opened a month ago

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def opened(alice):
    alice.created_at = dt.datetime.combine(OPENED, dt.time(9), tzinfo=dt.UTC)
    alice.save(update_fields=["created_at"])
    return alice


def tsh_test() -> LabTest:
    return LabTest.objects.get(key="tsh", clinic=None)


def value(day: dt.date, number: str, low: str | None = "0.4", high: str | None = "4.0", unit="mIU/L"):
    return LabValue(
        day,
        "TSH",
        "tsh",
        Decimal(number),
        unit,
        None if low is None else Decimal(low),
        None if high is None else Decimal(high),
    )


# --- words ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "words"),
    [
        ("0.4", "4.0", "0.4–4.0"),
        ("0.4000", "4.0000", "0.4–4.0"),  # as stored: both ends to the decimals either needs
        ("12", "22", "12–22"),
        ("0", "5", "0–5"),
        ("0.4", None, "≥ 0.4"),
        (None, "5.00", "≤ 5"),
        (None, None, ""),
    ],
)
def test_range_words(low, high, words):
    assert (
        range_words(None if low is None else Decimal(low), None if high is None else Decimal(high)) == words
    )


def test_a_result_in_words_as_the_csv_and_the_advice_write_it():
    assert result_words(value(TODAY, "2.1000")) == "TSH 2.1 mIU/L (0.4–4.0)"
    assert value_words(value(TODAY, "120", None, None, unit="")) == "120"
    assert result_words(value(TODAY, "0.0000")) == "TSH 0 mIU/L (0.4–4.0)"


def test_below_and_above_the_laboratorys_range():
    assert value(TODAY, "0.3").below_range and value(TODAY, "0.3").outside_range
    assert value(TODAY, "4.1").above_range
    assert not value(TODAY, "4.0").outside_range  # the ends are within
    assert not value(TODAY, "99", None, None).outside_range  # no range given: nothing to judge


def test_results_by_test_oldest_first_and_the_latest_pair_in_one_unit():
    results = [
        value(TODAY, "1"),
        value(TODAY - 9 * DAY, "3"),
        value(TODAY - 5 * DAY, "2", unit="µIU/mL"),
    ]
    assert [result.value for result in by_test(results)["TSH"]] == [3, 2, 1]
    previous, latest = latest_pair(results, "tsh")
    assert (previous.value, latest.value) == (3, 1)
    assert latest_pair(results[:1], "tsh") is None
    assert latest_pair(results, "esr") is None


# --- the form ------------------------------------------------------------------------------------


def lab_form(patient, **data) -> LabResultForm:
    posted = {"test": tsh_test().pk, "value": "2.1", "sampled_on": (TODAY - DAY).isoformat(), **data}
    return LabResultForm(
        posted, tests=lab_tests_of(patient.clinic_id), opened_on=patient.opened_on, today=TODAY
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": ""}, "value", "Enter the result."),
        ({"value": "abc"}, "value", "Enter a number, e.g. 2.1."),
        ({"value": "1e99999999"}, "value", "Enter a number, e.g. 2.1."),
        ({"value": "-0.1"}, "value", "A lab value is not below 0."),
        ({"value": "100000"}, "value", "At most 99999: check the value and its unit."),
        ({"value": "2.12345"}, "value", "At most 4 decimals, as laboratories report."),
        ({"reference_low": "-1"}, "reference_low", "A lab value is not below 0."),
        (
            {"reference_low": "5", "reference_high": "1"},
            "reference_high",
            "The range's low end is above its high end.",
        ),
        ({"unit": "u" * 31}, "unit", "at most 30 characters"),
        ({"laboratory": "l" * 121}, "laboratory", "at most 120 characters"),
        ({"sampled_on": ""}, "sampled_on", "Enter the date the sample was taken."),
        ({"sampled_on": "2026-02-30"}, "sampled_on", "Enter a date like 2026-03-01."),
        (
            {"sampled_on": (TODAY + DAY).isoformat()},
            "sampled_on",
            "a sample is recorded once it has been taken",
        ),
        ({"sampled_on": "2020-01-01"}, "sampled_on", "at most a year before the patient's record was opened"),
        ({"test": "999999"}, "test", "Choose a test of the clinic's list."),
        ({"test": str(2**63)}, "test", "Choose a test of the clinic's list."),
        ({"test": "x"}, "test", "Choose a test of the clinic's list."),
    ],
)
def test_the_form_refuses_each_bad_value_with_its_message(opened, data, field, message):
    form = lab_form(opened, **data)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_the_form_lists_the_clinics_tests_with_their_usual_unit_and_range(opened, charlie):
    theirs = LabTest.objects.create(clinic=charlie.clinic, name="Their test")
    labels = dict(lab_form(opened).fields["test"].choices)
    assert labels[tsh_test().pk] == "TSH (mIU/L, usually 0.4–4.0)"
    assert theirs.pk not in labels
    assert not lab_form(opened, test=str(theirs.pk)).is_valid()


def test_the_form_gives_the_date_picker_the_patients_window(opened):
    attrs = lab_form(opened)["sampled_on"].field.widget.attrs
    assert (attrs["min"], attrs["max"]) == ((OPENED - 365 * DAY).isoformat(), TODAY.isoformat())
