import datetime as dt
import io

from django.core.management import call_command

from journal.models import Clinician, DailyEntry, Patient, SideEffectReport
from journal.selectors import schedules_for

TODAY = dt.date(2026, 11, 21)


def seed(**options):
    call_command("seed_demo", today=TODAY, stdout=io.StringIO(), **options)


def test_seed_demo_builds_the_clinic_and_runs_twice(db):
    seed()
    seed()  # second run leaves the clinic as it is
    assert Patient.objects.count() == 20
    assert Clinician.objects.filter(is_clinic_admin=True).count() == 1
    assert Clinician.objects.count() == 3
    seed(reset=True)
    assert Patient.objects.count() == 20


def test_seed_demo_tells_realistic_stories(db):
    seed()
    anna = Patient.objects.get(user__username="anna")
    schedule = schedules_for([anna.pk])[anna.pk]
    first_dose = schedule[0].start_date
    assert str(schedule[0].dose_mg) == "1.500" and str(schedule[-1].dose_mg) == "4.500"
    # A baseline week before the first dose.
    assert anna.entries.filter(entry_date__lt=first_dose).count() >= 5
    # One patient moved to a morning dose; one is still in the baseline week.
    isla = Patient.objects.get(user__username="isla")
    assert schedules_for([isla.pk])[isla.pk][-1].timing == "morning"
    ravi = Patient.objects.get(user__username="ravi")
    assert schedules_for([ravi.pk])[ravi.pk][0].start_date > TODAY
    # Missed days and side effects exist.
    assert DailyEntry.objects.filter(dose_taken=False, entry_date__gte=first_dose).exists()
    assert SideEffectReport.objects.filter(entry__patient=anna).exists()
    # Every entry has its first version on record, so later edits show what changed.
    assert DailyEntry.history.filter(patient=anna).count() == anna.entries.count()


def test_seed_demo_is_deterministic(db):
    seed()
    first = list(
        DailyEntry.objects.order_by("patient__name", "entry_date").values_list("sleep_quality", flat=True)
    )
    seed(reset=True)
    again = list(
        DailyEntry.objects.order_by("patient__name", "entry_date").values_list("sleep_quality", flat=True)
    )
    assert first == again
