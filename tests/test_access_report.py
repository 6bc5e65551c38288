"""The access report: a clinic admin sees who opened which patient's record, when, how and from
where, filtered by clinician, patient, what and dates, a page at a time, and downloads it as CSV
(itself on the audit log). Only the admin's own clinic; bad filters are explained."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from journal.models import AccessEvent, AuditEvent
from journal.schedule import DAY
from tests.factories import make_patient

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def read(patient, clinician, at=NOW, what=AccessEvent.What.PATIENT_PAGE, address="192.0.2.7") -> AccessEvent:
    return AccessEvent.objects.create(
        clinic=patient.clinic, patient=patient, actor=clinician.user, at=at, what=what, client_address=address
    )


def rows(response) -> list[list[str]]:
    """The report's table, a row of cells per read."""
    from html.parser import HTMLParser

    class Table(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "tr" and ("data-testid", "read") in attrs:
                self.rows.append([])
            elif tag in ("td", "th") and self.rows:
                self.cell = ""

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append(" ".join(self.cell.split()))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell += data

    parser = Table()
    parser.feed(response.content.decode())
    return parser.rows


@pytest.fixture
def reads(alice, bob, carol, ada):
    """Carol opened Alice's page today and her summary two days ago; Ada exported Bob's CSV
    40 days ago."""
    read(alice, carol)
    read(alice, carol, NOW - 2 * DAY, AccessEvent.What.SUMMARY)
    read(bob, ada, NOW - 40 * DAY, AccessEvent.What.CLINIC_CSV, address="2001:db8::1")


def test_the_admin_sees_the_last_30_days_newest_first(client, ada, reads):
    client.force_login(ada.user)
    response = client.get(reverse("access_report"))
    assert response.status_code == 200
    assert rows(response) == [
        ["21 Nov 2026, 12:00", "Carol Clinician", "Alice", "patient page", "192.0.2.7"],
        ["19 Nov 2026, 12:00", "Carol Clinician", "Alice", "printable summary", "192.0.2.7"],
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"what": "summary"}, ["printable summary"]),
        ({"clinician": "ada", "start": (TODAY - 60 * DAY).isoformat()}, ["clinic CSV"]),
        ({"patient": "bob", "start": (TODAY - 60 * DAY).isoformat()}, ["clinic CSV"]),
        ({"patient": "alice", "end": (TODAY - DAY).isoformat()}, ["printable summary"]),
        ({"clinician": "ada"}, []),
    ],
)
def test_filters(client, request, ada, reads, filters, expected):
    values = {
        key: request.getfixturevalue(value).pk if key in ("clinician", "patient") else value
        for key, value in filters.items()
    }
    client.force_login(ada.user)
    response = client.get(reverse("access_report"), values)
    assert [row[3] for row in rows(response)] == expected


def test_another_clinics_reads_never_show(client, ada, charlie, dave, reads):
    read(dave, charlie)
    client.force_login(ada.user)
    assert "Dave" not in client.get(reverse("access_report")).content.decode()
    assert "Dave" not in b"".join(client.get(reverse("access_report_csv")).streaming_content).decode()


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"patient": "{dave}"}, "Select a valid choice."),
        ({"patient": str(2**64)}, "Select a valid choice."),
        ({"clinician": "{charlie}"}, "Select a valid choice."),
        ({"what": "everything"}, "Select a valid choice."),
        ({"start": "2026-11-30"}, "The start date is in the future"),
        ({"start": "0001-01-01"}, "is before 2000-01-01"),
        ({"start": "2020-01-01"}, "The range is longer than"),
        ({"start": "not a date"}, "Enter a valid date."),
    ],
)
def test_bad_filters_are_explained(client, ada, charlie, dave, reads, filters, message):
    values = {key: str({"{dave}": dave.pk, "{charlie}": charlie.pk}.get(v, v)) for key, v in filters.items()}
    client.force_login(ada.user)
    for name in ("access_report", "access_report_csv"):
        response = client.get(reverse(name), values)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert rows(response) == []
    assert not AuditEvent.objects.exists()


def test_the_report_goes_a_page_at_a_time(client, alice, carol, ada):
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(
                clinic=alice.clinic,
                patient=alice,
                actor=carol.user,
                at=NOW - n * dt.timedelta(minutes=1),
                what="plan",
            )
            for n in range(120)
        ]
    )
    client.force_login(ada.user)
    pages = [rows(client.get(reverse("access_report"), {"page": page})) for page in ("1", "3", "99", "x")]
    assert [len(page) for page in pages] == [50, 20, 20, 50]
    assert pages[0][0][0] == "21 Nov 2026, 12:00"
    assert pages[1][-1][0] == "21 Nov 2026, 10:01"
    page = client.get(reverse("access_report"), {"what": "plan", "page": "2"}).content.decode()
    assert "120 reads" in page
    assert "?what=plan&amp;page=3" in page  # the next page keeps the filters


def test_the_csv_has_every_read_of_the_filters_and_is_audited(client, clinic, alice, ada, carol, reads):
    formula = make_patient(clinic, None, name="=HYPERLINK(1)")
    read(formula, carol, NOW - DAY)
    client.force_login(ada.user)
    response = client.get(reverse("access_report_csv"), {"clinician": carol.pk})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="ldn-journal_access_{TODAY - 29 * DAY}_{TODAY}.csv"'
    )
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines == [
        ["at", "clinician", "username", "patient", "patient_code", "what", "client_address", "api_token"],
        [
            "2026-11-21 12:00",
            "Carol Clinician",
            "carol",
            "Alice",
            alice.export_label,
            "patient page",
            "192.0.2.7",
            "",
        ],
        [
            "2026-11-20 12:00",
            "Carol Clinician",
            "carol",
            "'=HYPERLINK(1)",
            formula.export_label,
            "patient page",
            "192.0.2.7",
            "",
        ],
        [
            "2026-11-19 12:00",
            "Carol Clinician",
            "carol",
            "Alice",
            alice.export_label,
            "printable summary",
            "192.0.2.7",
            "",
        ],
    ]
    (event,) = AuditEvent.objects.all()
    assert (event.kind, event.patient, event.actor) == (AuditEvent.Kind.ACCESS_REPORT, None, ada.user)
    assert event.summary == "Access report CSV, 2026-10-23 to 2026-11-21, clinician Carol Clinician: 3 reads."


def test_the_admins_way_in(client, ada, alice):
    client.force_login(ada.user)
    assert reverse("access_report") in client.get(reverse("clinic_manage")).content.decode()
    page = client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    assert f"{reverse('access_report')}?patient={alice.pk}" in page


def test_a_clinician_gets_no_link_to_the_report(client, carol, alice):
    client.force_login(carol.user)
    assert (
        reverse("access_report")
        not in client.get(reverse("patient_detail", args=[alice.pk])).content.decode()
    )
