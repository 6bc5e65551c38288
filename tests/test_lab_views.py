"""Lab results through the pages: a clinician of the patient's clinic records one on the
patient page and sees it in the list, on the chart, in the summary and in the CSV; deletes one
with a reason; a clinic admin adds the clinic's own test. Everyone else is refused and nothing
is written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from journal.models import AuditEvent, LabResult, LabTest
from journal.schedule import DAY
from journal.services.labs import lab_result_record
from tests.factories import make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def on_ldn(alice, carol):
    """Alice opened her record two months ago and has been on LDN for six weeks."""
    alice.created_at = NOW - 60 * DAY
    alice.save(update_fields=["created_at"])
    make_plan(alice, carol, [(TODAY - 42 * DAY, "1.5")])
    return alice


def tsh() -> LabTest:
    return LabTest.objects.get(key="tsh", clinic=None)


def posted(**data) -> dict[str, str]:
    return {
        "test": str(tsh().pk),
        "value": "2.1",
        "unit": "",
        "reference_low": "0.4",
        "reference_high": "4.0",
        "sampled_on": (TODAY - 2 * DAY).isoformat(),
        "laboratory": "City <b>Lab</b>",
        **data,
    }


def section(content: str, testid: str) -> str:
    start = content.index(f'data-testid="{testid}"')
    return content[start : content.index("</section>", start)]


def chart_of(content: str) -> dict:
    start = content.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(content[start : content.index("</script>", start)])


def test_a_clinician_records_a_tsh_and_sees_it_listed_and_charted(client, on_ldn, carol):
    client.force_login(carol.user)
    response = client.post(reverse("patient_lab_add", args=[on_ldn.pk]), posted())
    assert response.status_code == 302
    assert response.url == reverse("patient_detail", args=[on_ldn.pk]) + "#labs"
    result = LabResult.objects.get()
    assert (result.patient, result.value, result.unit, result.recorded_by) == (
        on_ldn,
        Decimal("2.1"),
        "mIU/L",
        carol,
    )

    page = client.get(response.url).content.decode()
    listed = section(page, "lab-results")
    assert "TSH" in listed
    assert "2.1 mIU/L" in listed
    assert "0.4–4.0" in listed
    assert "City &lt;b&gt;Lab&lt;/b&gt;" in listed  # the laboratory's name as text, never HTML
    assert "Recorded TSH of" in page  # the message after the redirect
    (trace,) = [trace for trace in chart_of(page)["data"] if trace["name"] == "Lab result"]
    assert (trace["x"], trace["y"], trace["meta"]) == ([(TODAY - 2 * DAY).isoformat()], [2.1], "TSH")
    assert trace["customdata"] == [["2.1 mIU/L", "0.4–4.0", "City &lt;b&gt;Lab&lt;/b&gt;"]]


def test_a_bad_result_is_shown_on_the_form_with_its_message_and_nothing_is_written(client, on_ldn, carol):
    client.force_login(carol.user)
    response = client.post(
        reverse("patient_lab_add", args=[on_ldn.pk]),
        posted(value="-3", reference_low="5", reference_high="1"),
    )
    assert response.status_code == 400
    form = section(response.content.decode(), "lab-results")
    assert "A lab value is not below 0." in form
    assert "The range&#x27;s low end is above its high end." in form
    assert '<details class="no-print" open>' in form  # the form stays open on its errors
    assert not LabResult.objects.exists()


def test_recording_is_a_post(client, on_ldn, carol):
    client.force_login(carol.user)
    assert client.get(reverse("patient_lab_add", args=[on_ldn.pk])).status_code == 405


@pytest.mark.parametrize(("role", "status"), [("charlie", 404), ("alice", 403), ("dave", 403)])
def test_nobody_outside_the_clinic_records_a_result(client, request, on_ldn, dave, role, status):
    client.force_login(request.getfixturevalue(role).user)
    assert client.post(reverse("patient_lab_add", args=[on_ldn.pk]), posted()).status_code == status
    assert not LabResult.objects.exists()


@pytest.fixture
def recorded(on_ldn, carol):
    return lab_result_record(
        patient=on_ldn, clinician=carol, test=tsh(), value=Decimal("0.3"), sampled_on=TODAY - DAY
    )


def delete_url(result) -> str:
    return reverse("patient_lab_delete", args=[result.patient_id, result.pk])


def test_a_clinician_deletes_a_result_with_a_reason(client, recorded, ada):
    client.force_login(ada.user)  # any clinician of the clinic, not only the care team
    response = client.post(delete_url(recorded), {"reason": "Wrong patient"})
    assert response.url.endswith("#labs")
    assert not LabResult.objects.exists()
    assert (
        AuditEvent.objects.get(kind=AuditEvent.Kind.LAB_RESULT_DELETED).details["reason"] == "Wrong patient"
    )
    page = client.get(response.url).content.decode()
    assert "Deleted the TSH result." in page
    assert "No lab results recorded." in page


def test_a_deletion_without_a_reason_is_refused_with_its_message(client, recorded, carol):
    client.force_login(carol.user)
    response = client.post(delete_url(recorded), {"reason": " "}, follow=True)
    assert "Say why the result is deleted." in response.content.decode()
    assert LabResult.objects.filter(pk=recorded.pk).exists()


@pytest.mark.parametrize(("role", "status"), [("charlie", 404), ("alice", 403), ("bob", 403)])
def test_nobody_outside_the_clinic_deletes_a_result(client, request, recorded, role, status):
    client.force_login(request.getfixturevalue(role).user)
    assert client.post(delete_url(recorded), {"reason": "x"}).status_code == status
    assert LabResult.objects.filter(pk=recorded.pk).exists()


def test_a_result_is_deleted_only_through_its_own_patients_address(client, recorded, bob, carol):
    client.force_login(carol.user)
    response = client.post(reverse("patient_lab_delete", args=[bob.pk, recorded.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert LabResult.objects.filter(pk=recorded.pk).exists()


def test_the_patient_reads_their_results_under_their_chart(client, recorded):
    client.force_login(recorded.patient.user)
    content = client.get(reverse("my_chart")).content.decode()
    labs = section(content, "my-lab-results")
    assert "TSH" in labs
    assert "0.3 mIU/L" in labs
    assert "Lab result" in json.dumps(chart_of(content))


def test_the_summary_lists_the_results_with_their_range(client, recorded, carol):
    client.force_login(carol.user)
    content = client.get(reverse("appointment_summary", args=[recorded.patient_id])).content.decode()
    labs = section(content, "summary-labs")
    assert "TSH" in labs
    assert "0.3 mIU/L" in labs
    assert "—" in labs  # recorded without a range: none is assumed


def test_the_csv_has_each_result_on_the_day_its_sample_was_taken(client, on_ldn, carol):
    for day, number in ((TODAY - DAY, "0.3"), (TODAY - 3 * DAY, "1.9")):
        lab_result_record(
            patient=on_ldn,
            clinician=carol,
            test=tsh(),
            value=Decimal(number),
            sampled_on=day,
            reference_low=Decimal("0.4"),
            reference_high=Decimal("4"),
        )
    client.force_login(carol.user)
    start = (TODAY - 4 * DAY).isoformat()
    response = client.get(
        reverse("patient_csv", args=[on_ldn.pk]), {"start": start, "end": TODAY.isoformat()}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["date"]: row["lab_results"] for row in csv.DictReader(io.StringIO(body))}
    assert rows == {
        (TODAY - 4 * DAY).isoformat(): "",
        (TODAY - 3 * DAY).isoformat(): "TSH 1.9 mIU/L (0.4–4.0)",
        (TODAY - 2 * DAY).isoformat(): "",
        (TODAY - DAY).isoformat(): "TSH 0.3 mIU/L (0.4–4.0)",
        TODAY.isoformat(): "",
    }


# --- the clinic's own tests ------------------------------------------------------------------------


def test_a_clinic_admin_adds_a_test_that_the_patient_pages_form_then_offers(client, alice, ada, carol):
    client.force_login(ada.user)
    response = client.post(
        reverse("clinic_lab_test_add"),
        {"name": "Vitamin D", "unit": "nmol/L", "reference_low": "50", "reference_high": "125"},
    )
    assert response.url == reverse("clinic_manage") + "#lab-tests"
    manage = client.get(response.url).content.decode()
    assert "Added Vitamin D to the clinic&#x27;s lab tests." in manage
    assert "50–125" in manage
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert "Vitamin D (nmol/L, usually 50–125)" in page


def test_a_bad_test_is_shown_on_the_clinic_page_with_its_message(client, ada):
    client.force_login(ada.user)
    response = client.post(reverse("clinic_lab_test_add"), {"name": "TSH"})
    assert response.status_code == 400
    assert "The clinic&#x27;s list already has a test of that name." in response.content.decode()
    assert not LabTest.objects.exclude(clinic=None).exists()


@pytest.mark.parametrize("role", ["carol", "charlie", "alice"])
def test_only_a_clinic_admin_adds_a_test(client, request, ada, charlie, role):
    client.force_login(request.getfixturevalue(role).user)
    response = client.post(reverse("clinic_lab_test_add"), {"name": "Vitamin D"})
    assert response.status_code == 403
    assert not LabTest.objects.exclude(clinic=None).exists()
