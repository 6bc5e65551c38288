"""The clinic outcomes page and its CSV: who sees them, the filters, small groups hidden, and a
number of queries that does not grow with the clinic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal.charts import PLOTLY_CONFIG
from journal.models import Condition
from tests.factories import log_days, make_clinician, make_patient, make_plan

DAY = dt.timedelta(days=1)


def started_patients(clinic, prescriber, count: int, *, condition: str = "Fibromyalgia", days_on: int = 100):
    """`count` patients on LDN for `days_on` days (1.5 → 3 mg on day 28), a baseline of pain 8
    and pain 4 since the first dose, logged every day: each responds at 8–10 weeks."""
    today = timezone.now().date()
    first = today - days_on * DAY
    named = Condition.objects.get(clinic=None, name=condition)
    patients = []
    for n in range(count):
        patient = make_patient(
            clinic, None, name=f"{condition} {n}", clinicians=(prescriber,), symptoms=("Pain",)
        )
        patient.conditions.add(named)
        make_plan(patient, prescriber, [(first, "1.5"), (first + 28 * DAY, "3")])
        log_days(patient, first - 7 * DAY, first - DAY, scores={"Pain": 8})
        log_days(patient, first, today, scores={"Pain": 4})
        patients.append(patient)
    return patients


def csv_of(response) -> str:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def test_the_page_shows_each_figure_with_its_n_and_charts_drawn_with_the_one_config(client, clinic, carol):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    response = client.get(reverse("clinic_outcomes"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "5 patients, 5 started on LDN." in content
    for name in ("condition", "dose", "survival", "side", "adherence"):
        assert f'data-figure="figure-{name}"' in content, name
        assert f'<script id="figure-{name}" type="application/json">' in content, name
    condition = response.context["figures"]["condition"]
    assert condition["config"] == PLOTLY_CONFIG
    # 5 patients judged at 8–10 weeks, all respond: the bar and the table say 100 % of 5.
    assert condition["data"][0]["x"] == ["All patients", "Fibromyalgia"]
    assert condition["data"][0]["y"] == [100, 100]
    table = response.context["outcomes"].rates_by_condition[0][1]
    assert [(str(row.group), row.n, row.percent) for row in table] == [
        ("All patients", 5, 100),
        ("Fibromyalgia", 5, 100),
    ]


def test_a_group_of_fewer_than_5_patients_shows_no_figure_on_the_page_the_chart_or_the_csv(
    client, clinic, carol
):
    started_patients(clinic, carol, 4)
    client.force_login(carol.user)
    response = client.get(reverse("clinic_outcomes"))
    content = response.content.decode()
    assert "fewer than 5 patients" in content
    assert 'data-suppressed="true"' in content
    assert response.context["figures"]["condition"]["data"][0]["x"] == []
    lines = csv_of(client.get(reverse("clinic_outcomes_csv"))).splitlines()
    assert lines[0] == "figure,group,patients,n,count,value,unit,note"
    rates = [line for line in lines if line.startswith('"Responders at 8–10 weeks, by condition"')]
    assert rates == [
        '"Responders at 8–10 weeks, by condition",All patients,,,,,,fewer than 5 patients',
        '"Responders at 8–10 weeks, by condition",Fibromyalgia,,,,,,fewer than 5 patients',
    ]


def test_the_filters_choose_the_patients(client, clinic, carol):
    other = make_clinician(clinic, "olga")
    started_patients(clinic, carol, 5)
    started_patients(clinic, other, 6, condition="Lupus", days_on=40)
    client.force_login(carol.user)
    lupus = Condition.objects.get(clinic=None, name="Lupus")
    assert client.get(reverse("clinic_outcomes")).context["outcomes"].patients == 11
    assert client.get(reverse("clinic_outcomes"), {"condition": lupus.pk}).context["outcomes"].patients == 6
    assert client.get(reverse("clinic_outcomes"), {"clinician": carol.pk}).context["outcomes"].patients == 5
    recent = (timezone.now().date() - 50 * DAY).isoformat()
    assert client.get(reverse("clinic_outcomes"), {"started_from": recent}).context["outcomes"].patients == 6


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"started_from": "1999-12-31"}, "started_from", "Pick a date from 2000 on"),
        ({"started_to": "2999-01-01"}, "started_to", "Pick a date up to today"),
        ({"started_from": "2024-02-01", "started_to": "2024-01-01"}, "started_from", "swap them"),
        ({"started_from": "not a date"}, "started_from", "Enter a valid date."),
        ({"condition": "99999999999999999999"}, "condition", "Select a valid choice."),
        ({"clinician": "x"}, "clinician", "Select a valid choice."),
    ],
)
def test_a_wrong_filter_is_named_and_no_figures_are_shown(client, clinic, carol, query, field, message):
    started_patients(clinic, carol, 5)
    client.force_login(carol.user)
    response = client.get(reverse("clinic_outcomes"), query)
    assert response.status_code == 200
    assert response.context["outcomes"] is None
    assert message in " ".join(response.context["form"].errors[field])
    assert "data-figure" not in response.content.decode()
    assert client.get(reverse("clinic_outcomes_csv"), query).status_code == 400


def test_another_clinics_clinician_sees_only_their_own_clinic(client, clinic, carol, charlie):
    started_patients(clinic, carol, 5)
    client.force_login(charlie.user)
    response = client.get(reverse("clinic_outcomes"))
    assert response.context["outcomes"].patients == 0
    fibromyalgia = Condition.objects.get(clinic=None, name="Fibromyalgia")
    # A condition only the other clinic's patients have is not offered: refused.
    refused = client.get(reverse("clinic_outcomes"), {"condition": fibromyalgia.pk})
    assert refused.context["outcomes"] is None
    refused = client.get(reverse("clinic_outcomes"), {"clinician": carol.pk})
    assert refused.context["outcomes"] is None


def test_patients_are_refused(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("clinic_outcomes")).status_code == 403
    assert client.get(reverse("clinic_outcomes_csv")).status_code == 403


def test_the_clinician_navigation_links_to_the_page(client, carol):
    client.force_login(carol.user)
    content = client.get(reverse("roster")).content.decode()
    assert f'href="{reverse("clinic_outcomes")}"' in content


# The session and the login (2), the conditions and the clinicians for the filters (2), the
# patients with their conditions (2) and their records (`patient_records`, 11).
OUTCOMES_QUERIES = 17


@pytest.mark.parametrize("name", ["clinic_outcomes", "clinic_outcomes_csv"])
def test_the_queries_do_not_grow_with_the_clinic(client, clinic, carol, name):
    client.force_login(carol.user)
    counts = []
    for more in (5, 20):
        started_patients(clinic, carol, more, days_on=80)
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts == [OUTCOMES_QUERIES, OUTCOMES_QUERIES]


def test_the_page_and_its_csv_speak_the_readers_language(client, clinic, carol):
    started_patients(clinic, carol, 4)
    client.force_login(carol.user)
    carol.user.language = "es"
    carol.user.save(update_fields=["language"])
    content = client.get(reverse("clinic_outcomes")).content.decode()
    assert "Resultados de la clínica" in content and "menos de 5 pacientes" in content
    assert "fewer than 5 patients" not in content
    assert "menos de 5 pacientes" in csv_of(client.get(reverse("clinic_outcomes_csv")))
