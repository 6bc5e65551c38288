"""The patient's journal: today, the daily entry, history, a day, the dose calendar and their
own chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from journal import diary as diary_rules
from journal import guide
from journal.access import (
    AuthenticatedRequest,
    HtmxRequest,
    logged_patient,
    own_patient,
    patient_required,
    patient_side_required,
)
from journal.bounds import TREATMENT_SPAN
from journal.diary import Diary, default_entry_date, earliest_editable
from journal.dose_calendar import dose_calendar
from journal.forms.entries import EntryForm, entry_initial
from journal.forms.medications import MedicationForm, MedicationStopForm
from journal.forms.messages import QuestionForm
from journal.medicines import MedicationCategory, classify_medication
from journal.models import DailyEntry, Medication, Patient, QuestionTopic, User
from journal.offline import kept_offline
from journal.response import BASELINE_DAYS
from journal.safety import OPIOID_REASON
from journal.schedule import DAY, Schedule
from journal.selectors.entries import (
    DayEntry,
    day_entry,
    diary_without_details,
    entry_form_reads,
    history_diary,
    patient_diary,
)
from journal.selectors.messages import question_threads, today_news
from journal.selectors.questionnaires import due_questionnaire
from journal.selectors.records import patient_overview, period_of, safety_of, schedule_of
from journal.selectors.reminders import reminder_settings_of
from journal.services.entries import calendar_token_reset, entry_save
from journal.services.medications import medication_add
from journal.services.medications import medication_stop as stop_medication

ADHERENCE_DAYS = (14, 30)  # the history counts the doses taken in the last 14 and 30 days
ANSWERS_ON_TODAY = dt.timedelta(days=14)  # Today shows the answers of the last two weeks


@patient_side_required
@require_GET
@kept_offline
def today(request: AuthenticatedRequest) -> HttpResponse:
    patient = logged_patient(request)
    now = patient.local_now()
    day = now.date()
    diary = diary_without_details(patient, since=day - 6 * DAY, today=day)
    entry_day, after_midnight = default_entry_date(now)
    news = today_news(patient, answers_since=now - ANSWERS_ON_TODAY)
    context = {
        "patient": patient,
        "day": day,
        "baseline": guide.BASELINE_WEEK if diary.schedule.phase(day) == "baseline" else None,
        "baseline_why": guide.baseline_why(),
        "today": diary.schedule.on(day),
        "ends_on": diary.schedule.ends_on(day),
        "safety": safety_of(patient, diary.schedule, day),
        "logged": entry_day in diary.entries,
        "entry_day": entry_day,
        "entry_dose": diary.schedule.prescribed(entry_day),
        "after_midnight": after_midnight,
        "week": diary.days(day - 6 * DAY, day),
        "unseen_notes": news.unseen_notes,
        "answers": news.answers,
        "question_form": QuestionForm(initial={"topic": QuestionTopic.GENERAL}),
        "expired_push_devices": news.expired_push_devices,
        "due_questionnaire": due_questionnaire(patient, diary.schedule, day),
    }
    return render(request, "journal/entries/today.html", context)


def _requested_day(
    request: AuthenticatedRequest, today: dt.date, default: dt.date
) -> tuple[dt.date, str | None]:
    """The date asked for in ?date=, or the default with the reason it cannot be used."""
    raw = request.GET.get("date")
    if not raw:
        return default, None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return default, _("That is not a date; here is today's entry instead.")
    problem = diary_rules.date_problem(day, today)
    return (default, problem) if problem else (day, None)


@patient_side_required
@require_http_methods(["GET", "POST"])
@kept_offline
def entry(request: AuthenticatedRequest) -> HttpResponse:
    """The daily entry form. Saving the same date again updates that day's entry."""
    patient = logged_patient(request)
    now = patient.local_now()
    today = now.date()
    default_day, after_midnight = default_entry_date(now)
    date_message, saved, replaced = None, False, False
    started = timezone.now()
    if request.method == "POST":
        reads = entry_form_reads(patient)
    else:  # the shown day is known before anything is read: its entry is read with the rest
        day, date_message = _requested_day(request, today, default_day)
        reads = entry_form_reads(patient, day)
    schedule, symptoms = reads.schedule, reads.symptoms

    def entry_form(data: QueryDict | None = None, initial: dict[str, Any] | None = None) -> EntryForm:
        return EntryForm(
            data,
            initial=initial,
            symptoms=symptoms,
            today=today,
            prescribed=schedule.prescribed,
            asks_dose=schedule.asks_dose,
        )

    saved_entry = None
    logged: DayEntry | None
    if request.method == "POST":
        form = entry_form(request.POST)
        if form.is_valid():
            saved_entry = _save_entry(patient, form, request.user)
        if saved_entry is not None:
            if not request.htmx:
                messages.success(
                    request,
                    _("Saved your entry for %(day)s.")
                    % {"day": date_format(saved_entry.entry_date, _("l j F"))},
                )
                return redirect(f"{reverse('entry')}?date={saved_entry.entry_date.isoformat()}")
            day, saved = saved_entry.entry_date, True
            # An entry made before this request was there already: this save replaced it (an
            # entry typed offline and sent later is told so).
            replaced = saved_entry.edit_count > 0 or saved_entry.created_at < started
            logged = DayEntry(saved_entry, form.scores(), form.side_effects())  # as saved: not read back
            form = entry_form(initial=entry_initial(logged, schedule.prescribed(day), day))
        else:
            day = form.cleaned_data.get("entry_date", default_day)
            logged = day_entry(patient, day)
    else:
        logged = reads.logged
        initial = entry_initial(logged, schedule.prescribed(day), day)
        if request.GET.get("taken") in ("yes", "no") and logged is None:
            initial["dose_taken"] = request.GET["taken"]  # answered on Today with one tap
        form = entry_form(initial=initial)
    # The shown day's entry: the form needs no other day's.
    diary = Diary(today=today, schedule=schedule, entries={day: logged.entry} if logged else {})

    form.ask_about(diary.prescribed(day))
    context = {
        "patient": patient,
        "form": form,
        "day": day,
        "today": today,
        "step": diary.prescribed(day),
        "day_prescription": diary.schedule.on(day),
        "in_baseline": diary.in_baseline(day),
        "asks_dose": diary.schedule.asks_dose(day),
        "deviation_words": form.deviation_words(day, "{typed}"),
        "dose_details_open": form.dose_details_open(diary.prescribed(day)),
        "after_midnight": after_midnight and day == default_day,
        "existing": logged is not None,
        "saved": saved,
        "replaced": replaced,
        "date_message": date_message,
        "previous_day": day - DAY if day - DAY >= earliest_editable(today) else None,
        "next_day": day + DAY if day + DAY <= today else None,
        "earliest": earliest_editable(today),
    }
    template = "journal/entries/entry.html#entry-form" if request.htmx else "journal/entries/entry.html"
    return render(request, template, context)


def _save_entry(patient: Patient, form: EntryForm, logged_by: User) -> DailyEntry | None:
    """The valid form's entry, saved; None with the service's refusal added to the form."""
    data = form.cleaned_data
    try:
        return entry_save(
            patient=patient,
            entry_date=data["entry_date"],
            dose_taken=data["dose_taken"],
            dose_mg=data["dose_mg"],
            timing_taken=data["timing_taken"],
            time_taken=data["time_taken"],
            sleep_quality=data["sleep_quality"],
            notes=data["notes"],
            dose_deviation_confirmed=bool(form.deviation and data["confirm_deviation"]),
            scores=form.scores(),
            side_effects=form.side_effects(),
            logged_by=logged_by,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


def history_starts(patient: Patient, schedule: Schedule, today: dt.date) -> dt.date:
    """The first month the history pages back to: the month the patient joined, or of their
    baseline week when a plan dates it earlier."""
    joined = patient.local_today(patient.created_at)
    first_dose = schedule.first_dose
    starts = [joined, today] + ([first_dose - BASELINE_DAYS * DAY] if first_dose else [])
    return diary_rules.month_of(max(min(starts), TREATMENT_SPAN.first))


def _requested_month(
    request: AuthenticatedRequest, first: dt.date, this_month: dt.date
) -> tuple[dt.date, str | None]:
    """The month asked for in ?month=YYYY-MM, or this month with why that cannot be shown."""
    raw = request.GET.get("month")
    if raw is None:
        return this_month, None
    month = diary_rules.parse_month(raw[:20])
    if month is None:
        return this_month, gettext("That is not a month such as %(example)s; here is this month.") % {
            "example": f"{this_month:%Y-%m}"
        }
    if month > this_month:
        return this_month, gettext("That month is still ahead; here is this month.")
    if month < first:
        return this_month, gettext("Your history starts in %(month)s; here is this month.") % {
            "month": date_format(first, "F Y")
        }
    return month, None


@patient_side_required
@require_GET
def history(request: AuthenticatedRequest) -> HttpResponse:
    """One month of the history (this month unless ?month= names another), with the doses
    taken in the last 14 and 30 days."""
    patient = logged_patient(request)
    today = patient.local_today()
    schedule = schedule_of(patient)
    first, this_month = history_starts(patient, schedule, today), diary_rules.month_of(today)
    month, month_message = _requested_month(request, first, this_month)
    last = diary_rules.month_last_day(month)
    diary = history_diary(
        patient, first=month, last=last, recent_days=ADHERENCE_DAYS[-1], today=today, schedule=schedule
    )
    context = {
        "patient": patient,
        "today": today,
        "month": month,
        "month_message": month_message,
        "previous_month": diary_rules.months_after(month, -1) if month > first else None,
        "next_month": diary_rules.months_after(month, 1) if month < this_month else None,
        "weeks": [
            (
                next(day for day in week if day),
                [diary.day(day) if day and day <= today else None for day in week],
            )
            for week in diary_rules.month_weeks(month)
        ],
        "adherence": [(days, diary.adherence(days)) for days in ADHERENCE_DAYS],
        "entries": [
            (entry, diary.day(day))
            for day, entry in sorted(diary.entries.items(), reverse=True)
            if month <= day <= last
        ],
        "earliest": earliest_editable(today),
        "legend": [(status.value, _(label)) for status, label in diary_rules.STATUS_LABELS.items()],
    }
    return render(request, "journal/entries/history.html", context)


@patient_side_required
@require_GET
def day_detail(request: AuthenticatedRequest, day: str) -> HttpResponse:
    """One day's entry, read-only (older days cannot be changed)."""
    patient = logged_patient(request)
    today = patient.local_today()
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404("No such date.") from None
    if date > today:
        raise Http404("That date is in the future.")
    if date not in TREATMENT_SPAN:
        raise Http404("No diary keeps that date.")
    diary = patient_diary(patient, since=date, today=today)
    entry = diary.entries.get(date)
    context = {
        "patient": patient,
        "date": date,
        "entry": entry,
        "step": diary.prescribed(date),
        "off_step": diary.schedule.off_day_step(date),
        "status": diary.day(date),
        "threads": question_threads(patient, topic=QuestionTopic.ENTRY, entry_date=date),
        "question_form": QuestionForm(initial={"topic": QuestionTopic.ENTRY, "entry_date": date}),
    }
    return render(request, "journal/entries/day.html", context)


@patient_required
@require_GET
def calendar(request: AuthenticatedRequest) -> HttpResponse:
    patient = own_patient(request)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[patient.calendar_token]))
    choices = reminder_settings_of(patient).choices(patient.time_zone)
    context = {
        "patient": patient,
        "bedtime_at": choices.dose_at("bedtime"),
        "morning_at": choices.dose_at("morning"),
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
    }
    return render(request, "journal/entries/calendar.html", context)


@patient_required
@require_POST
def calendar_reset(request: AuthenticatedRequest) -> HttpResponse:
    calendar_token_reset(patient=own_patient(request), actor=request.user)
    messages.success(request, _("Your calendar link has been replaced. Add the new one to your calendar."))
    return redirect("calendar")


@require_GET
@cache_control(private=True, max_age=0)
def calendar_feed(request: HtmxRequest, token: str) -> HttpResponse:
    """The private dose calendar. No login (calendar apps cannot log in): the token in the
    address is the key, and an unknown or replaced token, or one of a deactivated login, is a 404."""
    patient = (
        Patient.objects.filter(calendar_token=token, user__is_active=True).select_related("user").first()
    )
    if patient is None:
        raise Http404("No such calendar.")
    with translation.override(patient.reading_language):  # a calendar app sends no language of its own
        choices = reminder_settings_of(patient).choices(patient.time_zone)
        body = dose_calendar(schedule_of(patient), choices, timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ldn-doses.ics"'
    return response


@patient_side_required
def my_chart(request: AuthenticatedRequest) -> HttpResponse:
    patient = logged_patient(request)
    context = {"patient": patient, "overview": patient_overview(patient)}
    return render(request, "journal/entries/my_chart.html", context)


def _medications_page(
    request: HttpRequest, patient: Patient, *, add_form=None, stop_form=None
) -> HttpResponse:
    today = patient.local_today()
    medications = list(patient.medications.all())
    # Stopped: its last day taken is past (`MedicationPeriod.taken_on`, as the safety check
    # reads it); a medicine last taken today is still taken now.
    stopped = [
        med
        for med in medications
        if med.stopped_on is not None and not period_of(med, patient.zone).taken_on(today)
    ]
    current = [med for med in medications if med not in stopped]
    context = {
        "patient": patient,
        "today": today,
        "safety": safety_of(patient, day=today),
        "current": [
            (
                med,
                MedicationCategory.OPIOID in classify_medication(med.name),
                stop_form if stop_form and stop_form.medication == med else None,
            )
            for med in current
        ],
        "stopped": [
            (med, MedicationCategory.OPIOID in classify_medication(med.name))
            for med in sorted(stopped, key=lambda med: med.stopped_on or today, reverse=True)
        ],
        "add_form": add_form or MedicationForm(today=today),
        "opioid_reason": OPIOID_REASON,
    }
    return render(request, "journal/entries/medications.html", context)


@patient_required
@require_http_methods(["GET", "POST"])
def medications(request: AuthenticatedRequest) -> HttpResponse:
    patient = own_patient(request)
    if request.method == "GET":
        return _medications_page(request, patient)
    form = MedicationForm(request.POST, today=patient.local_today())
    if not form.is_valid():
        return _medications_page(request, patient, add_form=form)
    medication = medication_add(patient=patient, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Added %(name)s.") % {"name": medication.name})
    return redirect("medications")


@patient_required
@require_POST
def medication_stop(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = own_patient(request)
    medication = get_object_or_404(Medication, pk=pk, patient=patient)
    form = MedicationStopForm(request.POST, medication=medication, today=patient.local_today())
    if not form.is_valid():
        return _medications_page(request, patient, stop_form=form)
    stop_medication(medication=medication, actor=request.user, stopped_on=form.cleaned_data["stopped_on"])
    messages.success(
        request,
        _("%(name)s: last taken on %(day)s.")
        % {"name": medication.name, "day": date_format(form.cleaned_data["stopped_on"], _("j F Y"))},
    )
    return redirect("medications")
