"""The clinician's review: the roster, the patient page, dismissing advice, marking a patient
reviewed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from journal.access import (
    AuthenticatedRequest,
    clinician_of,
    clinician_required,
    note_read,
    note_reads,
    patient_for,
    visible_patients,
)
from journal.bounds import REASON_MAX_CHARS, change_window
from journal.forms.invitations import CaregiverInviteForm
from journal.forms.labs import LabResultDeleteForm, LabResultForm
from journal.forms.medications import MedicationForm, MedicationStopForm
from journal.forms.messages import AnswerForm
from journal.forms.review import (
    AdviceDismissalForm,
    BirthDateForm,
    RecordChangeForm,
    RosterFilterForm,
    SavedFilterForm,
    WeightForm,
)
from journal.models import (
    AccessEvent,
    Clinician,
    Condition,
    LabResult,
    Medication,
    Patient,
    Question,
    RosterScope,
    Symptom,
)
from journal.schedule import PHASE_WORDS, PHASES
from journal.selectors.entries import entry_history
from journal.selectors.labs import lab_tests_of
from journal.selectors.messages import Thread, plan_notes, question_threads
from journal.selectors.plans import plan_section
from journal.selectors.records import patient_overview
from journal.selectors.review import READ_DAYS
from journal.selectors.review import patient_page as read_patient_page
from journal.selectors.roster import (
    PAGE_SIZE,
    RosterView,
    roster_lists,
    roster_patients,
    saved_roster_filters,
)
from journal.services.labs import lab_result_delete, lab_result_record
from journal.services.medications import medication_add, medication_stop
from journal.services.messages import question_answer as answer_question
from journal.services.record import birth_date_set, record_item_add, record_item_stop, weight_record
from journal.services.review import advice_dismiss as dismiss_card
from journal.services.review import patient_mark_reviewed
from journal.services.review import roster_filter_delete as roster_filter_delete_service
from journal.services.review import roster_filter_save as roster_filter_save_service
from journal.services.snapshots import page_snapshots, snapshots_refresh_stale
from journal.views.common import add_errors


@clinician_required
def roster(request: AuthenticatedRequest) -> HttpResponse:
    clinician = clinician_of(request)
    form = RosterFilterForm(request.GET)
    view = form.view(default_scope=_default_scope(clinician))
    patients = visible_patients(request.user)
    if view.scope == RosterScope.MINE:
        patients = patients.filter(clinicians=clinician)
    now = timezone.now()
    # Rows past a patient's midnight are computed again before sorting (the worker usually
    # did it already); the page's own rows in any case, so no row shows an older day.
    snapshots_refresh_stale(patients, now, limit=PAGE_SIZE)
    listed = roster_patients(
        patients,
        sort=view.sort,
        descending=view.descending,
        phase_is=view.phase,
        flagged=view.flagged,
        search=view.search,
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = page_snapshots(list(page.object_list), now)
    if view.search:
        # A search reaches any patient of the clinic: what it showed of whom is on record.
        found = [row.patient.pk for row in rows]
        note_reads(request, AccessEvent.What.ROSTER_SEARCH, clinic_id=clinician.clinic_id, patient_ids=found)
    alerts, needing_attention = roster_lists(patients)
    context = {
        "clinician": clinician,
        "view": view,
        "search_form": form,
        "saved_filters": saved_roster_filters(clinician),
        "save_form": SavedFilterForm(),
        "scope_links": _scope_links(view),
        "rows": rows,
        "page": page,
        "page_links": _page_links(request, page),
        "alerts": alerts,
        "needing_attention": needing_attention,
        "order_summary": _order_summary(page, view),
        "query": request.GET.urlencode(),
        "sort_links": _sort_links(request, view.sort, view.descending),
        "attention_url": _attention_url(request),
        "phases": PHASES,
    }
    template = "journal/review/roster.html#roster-results" if request.htmx else "journal/review/roster.html"
    return render(request, template, context)


def _default_scope(clinician: Clinician) -> str:
    """A clinic admin's roster opens on the whole clinic; a clinician's on their own patients."""
    return RosterScope.ALL if clinician.is_clinic_admin else RosterScope.MINE


def _scope_links(view: RosterView) -> list[dict[str, object]]:
    """My patients and All patients, the search, filters and order kept."""
    return [
        {"label": label, "url": f"?{replace(view, scope=scope).query}", "current": scope == view.scope}
        for scope, label in RosterScope.choices
    ]


@clinician_required
@require_POST
def roster_filter_save(request: AuthenticatedRequest) -> HttpResponse:
    """Keep the roster as it is shown under a name; back to the roster showing it."""
    clinician = clinician_of(request)
    form = SavedFilterForm(request.POST)
    view = form.view(default_scope=_default_scope(clinician))
    if "name" not in form.errors and "q" not in form.errors:
        try:
            saved = roster_filter_save_service(
                clinician=clinician,
                name=form.cleaned_data["name"],
                scope=view.scope,
                search=view.search,
                phase=view.phase,
                flagged=view.flagged,
                sort=view.sort,
                descending=view.descending,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved the view “%(name)s”.") % {"name": saved.name})
    else:
        refused = [str(error) for key in ("name", "q") for error in form.errors.get(key, ())]
        messages.error(request, " ".join(refused))
    return redirect(f"{reverse('roster')}?{view.query}")


@clinician_required
@require_POST
def roster_filter_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not roster_filter_delete_service(clinician=clinician_of(request), pk=pk):
        raise Http404("No such saved view.")
    messages.success(request, _("Saved view deleted."))
    return redirect("roster")


def _page_links(request: AuthenticatedRequest, page: Page) -> dict[str, str]:
    """The previous and next page, the sort and filters kept."""
    links = {}
    for name, number in (("previous", page.number - 1), ("next", page.number + 1)):
        if 1 <= number <= page.paginator.num_pages:
            query = request.GET.copy()
            query["page"] = str(number)
            links[name] = f"?{query.urlencode()}"
    return links


ROSTER_COLUMNS = (
    ("name", gettext_lazy("Patient")),
    ("response", gettext_lazy("Main symptom")),
    ("advice", gettext_lazy("Advice")),
    ("new", gettext_lazy("New since review")),
    ("dose", gettext_lazy("Dose today")),
    ("day", gettext_lazy("Day on LDN")),
    ("phase", gettext_lazy("Phase")),
    ("last_entry", gettext_lazy("Last entry")),
    ("adherence", gettext_lazy("Taken, 14 days")),
    ("flags", gettext_lazy("Safety flags")),
)


# Counts of what needs a look: the first click puts the most at the top.
DESCENDING_FIRST = {"advice", "new"}


def _sort_links(request: AuthenticatedRequest, sort: str, descending: bool) -> list[dict]:
    """One header link per column: the current filters kept, the direction flipped on the
    column already sorted by."""
    links = []
    for key, label in ROSTER_COLUMNS:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = key
        first = "desc" if key in DESCENDING_FIRST else "asc"
        query["dir"] = ("asc" if descending else "desc") if key == sort else first
        current = "descending" if descending else "ascending"
        links.append(
            {
                "key": key,
                "label": label,
                "url": f"?{query.urlencode()}",
                "aria_sort": current if key == sort else "none",
            }
        )
    return links


def _order_summary(page: Page, view: RosterView) -> str:
    """What the list shows, in one sentence: said again (a polite live region) whenever
    sorting, filtering or paging changes it without a page load."""
    count = page.paginator.count
    if view.scope == RosterScope.ALL:
        which = ngettext("%(count)s patient of the clinic", "%(count)s patients of the clinic", count)
    else:
        which = ngettext("%(count)s patient", "%(count)s patients", count)
    which %= {"count": count}
    # Each filter wraps the words before it whole, so a language can put them where it needs.
    if view.search:
        which = _("%(patients)s matching “%(search)s”") % {"patients": which, "search": view.search}
    if view.phase:
        which = _("%(patients)s in %(phase)s") % {"patients": which, "phase": _(PHASE_WORDS[view.phase])}
    if view.flagged:
        which = _("%(patients)s with safety flags") % {"patients": which}
    if view.sort == "attention":
        sentence = _("%(patients)s, who needs attention first.") % {"patients": which}
    else:
        column = dict(ROSTER_COLUMNS)[view.sort]
        order = (
            _("%(patients)s, sorted by %(column)s, descending.")
            if view.descending
            else (_("%(patients)s, sorted by %(column)s, ascending."))
        )
        sentence = order % {"patients": which, "column": column}
    if page.paginator.num_pages > 1:
        pages = _("Page %(page)s of %(pages)s.") % {"page": page.number, "pages": page.paginator.num_pages}
        sentence = f"{sentence} {pages}"
    return sentence


def _attention_url(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query["sort"] = "attention"
    query.pop("dir", None)
    query.pop("page", None)
    return f"?{query.urlencode()}"


CHANGES_PER_PAGE = 50


@clinician_required
@require_GET
def entry_changes(request: AuthenticatedRequest, pk: int, day: str) -> HttpResponse:
    """Every change to one of the patient's entries since it was first saved, newest first,
    a page at a time (the patient page shows the latest few)."""
    patient = patient_for(request, pk)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError:
        raise Http404("No such date.") from None
    note_read(request, AccessEvent.What.PATIENT_PAGE, patient)
    history = entry_history(patient, date)
    page = Paginator(history.changes, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"patient": patient, "day": date, "page": page, "logged_by": history.logged_by}
    return render(request, "journal/review/entry_changes.html", context)


@clinician_required
def patient_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The clinician's page for one patient. Each section adds its own context."""
    patient = patient_for(request, pk)
    note_read(request, AccessEvent.What.PATIENT_PAGE, patient)
    context = patient_page(patient)
    if clinician_of(request).is_clinic_admin:
        context["access_report_url"] = f"{reverse('access_report')}?{urlencode({'patient': patient.pk})}"
    return render(request, "journal/review/patient.html", context)


def patient_page(patient: Patient, **forms: object) -> dict[str, object]:
    """The patient page's context, from one read of the patient (`selectors.review.patient_page`)."""
    page = read_patient_page(patient)
    file = page.overview.file
    record = file.record
    day, schedule = record.today, record.schedule
    return {
        "patient": patient,
        "day": day,
        "today": schedule.on(day),
        "ends_on": schedule.ends_on(day),
        "day_on_ldn": record.day_on_ldn,
        "first_dose": record.first_dose,
        "conditions": page.conditions,
        "symptoms": file.symptoms,
        "change_window": change_window(patient.opened_on, day),
        "age": page.age,
        "weights": page.weights,
        "questionnaire_rows": page.questionnaire_rows,
        "birth_form": forms.get("birth_form")
        or BirthDateForm(today=day, initial={"date_of_birth": patient.date_of_birth}, auto_id="birth_%s"),
        "weight_form": forms.get("weight_form")
        or WeightForm(born=patient.date_of_birth, today=day, auto_id="weight_%s"),
        "record_lists": [
            (
                "symptoms",
                _("Tracked symptoms"),
                file.tracks,
                forms.get("symptom_form") or _record_form(patient, "symptoms", day),
            ),
            (
                "conditions",
                _("Conditions"),
                page.condition_tracks,
                forms.get("condition_form") or _record_form(patient, "conditions", day),
            ),
        ],
        "medications": file.medications,
        "medication_form": forms.get("medication_form") or MedicationForm(today=day),
        "lab_rows": file.lab_rows,
        "lab_form": forms.get("lab_form") or _lab_form(patient, day),
        "lab_reason_max_chars": REASON_MAX_CHARS,
        "safety": record.safety,
        "overview": page.overview,
        "recent_entries": page.recent_entries,
        **plan_section(file.plans, schedule, day),
        "screening": file.screening,
        "invitation": page.invitation,
        "caregiver": page.caregiver,
        "caregiver_form": CaregiverInviteForm(),
        "timeline": page.timeline,
        "read_days": READ_DAYS,
        "plan_notes": plan_notes(patient),
        **_questions(patient, cast(dict[int, AnswerForm], forms.get("answer_forms") or {})),
    }


RECORD_ITEMS: dict[str, type[Symptom] | type[Condition]] = {"symptoms": Symptom, "conditions": Condition}


def _record_model(kind: str) -> type[Symptom] | type[Condition]:
    if kind not in RECORD_ITEMS:
        raise Http404
    return RECORD_ITEMS[kind]


def _record_form(patient: Patient, kind: str, today: dt.date, data: object = None) -> RecordChangeForm:
    """The form adding a symptom or a condition: the catalogue's and the clinic's own, less
    those on the record now."""
    model = _record_model(kind)
    on_record = patient.tracked_symptoms if model is Symptom else patient.conditions
    items = (
        model.objects.filter(Q(clinic=None) | Q(clinic=patient.clinic_id))
        .exclude(pk__in=on_record.values("pk"))
        .order_by("name")
    )
    return RecordChangeForm(
        data, items=items, window=change_window(patient.opened_on, today), auto_id=f"{kind}_%s"
    )


@clinician_required
@require_POST
def patient_record_add(request: AuthenticatedRequest, pk: int, kind: str) -> HttpResponse:
    """A clinician tracks a symptom or lists a condition from a date; the patient's next entry
    form asks it."""
    patient = patient_for(request, pk)
    form = _record_form(patient, kind, patient.local_today(), request.POST)
    if form.is_valid():
        item, on = form.cleaned_data["item"], form.cleaned_data["on"]
        try:
            record_item_add(patient=patient, item=item, on=on, actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is on the record from %(day)s.") % {"name": item.name, "day": date_format(on)},
            )
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#record")
    context = patient_page(patient, **{"symptom_form" if kind == "symptoms" else "condition_form": form})
    return render(request, "journal/review/patient.html", context, status=400)


@clinician_required
@require_POST
def patient_record_stop(request: AuthenticatedRequest, pk: int, kind: str, item_pk: int) -> HttpResponse:
    """A clinician stops tracking a symptom or takes a condition off the record from a date;
    past scores stay on the chart, the CSV and the summary."""
    patient = patient_for(request, pk)
    model = _record_model(kind)
    item = cast(
        Symptom | Condition,
        get_object_or_404(model.objects.filter(Q(clinic=None) | Q(clinic=patient.clinic_id)), pk=item_pk),
    )
    today = patient.local_today()
    form = RecordChangeForm(request.POST, items=None, window=change_window(patient.opened_on, today))
    if form.is_valid():
        try:
            record_item_stop(patient=patient, item=item, on=form.cleaned_data["on"], actor=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is off the record from %(day)s.")
                % {"name": item.name, "day": date_format(form.cleaned_data["on"])},
            )
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#record")
    for errors in form.errors.values():
        messages.error(request, " ".join(str(message) for message in errors))
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#record")


@clinician_required
@require_POST
def patient_birth_date(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A clinician records or corrects the date of birth; the age follows on every page."""
    patient = patient_for(request, pk)
    form = BirthDateForm(request.POST, today=patient.local_today(), auto_id="birth_%s")
    if form.is_valid():
        try:
            birth_date_set(
                patient=patient, date_of_birth=form.cleaned_data["date_of_birth"], actor=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Date of birth recorded."))
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#details")
    context = patient_page(patient, birth_form=form)
    return render(request, "journal/review/patient.html", context, status=400)


@clinician_required
@require_POST
def patient_weight_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A clinician records a weight with the day it was measured; earlier ones are kept."""
    patient = patient_for(request, pk)
    form = WeightForm(
        request.POST, born=patient.date_of_birth, today=patient.local_today(), auto_id="weight_%s"
    )
    if form.is_valid():
        try:
            weight_record(patient=patient, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Weight recorded."))
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#details")
    context = patient_page(patient, weight_form=form)
    return render(request, "journal/review/patient.html", context, status=400)


def _lab_form(patient: Patient, today: dt.date, data: object = None) -> LabResultForm:
    return LabResultForm(
        data, tests=lab_tests_of(patient.clinic_id), opened_on=patient.opened_on, today=today
    )


def _questions(patient: Patient, answer_forms: dict[int, AnswerForm]) -> dict[str, object]:
    """The patient's threads with an answer form under each open question (`answer_forms`:
    a bound form by question id, shown with its errors)."""
    threads: list[Thread] = question_threads(patient)
    rows = [
        (
            thread,
            [
                (question, answer_forms.get(question.pk) or AnswerForm(auto_id=f"q{question.pk}_%s"))
                if question.is_open
                else (question, None)
                for question in thread.questions
            ],
        )
        for thread in threads
    ]
    return {"question_rows": rows, "open_questions": sum(thread.open_count for thread in threads)}


@require_POST
@clinician_required
def advice_dismiss(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    overview = patient_overview(patient)
    form = AdviceDismissalForm(request.POST, cards=overview.assessment.open_cards)
    if form.is_valid():
        card = form.cleaned_data["key"]
        dismiss_card(
            patient=patient, clinician=clinician_of(request), card=card, note=form.cleaned_data["note"]
        )
        if not request.htmx:
            messages.success(request, _("Advice dismissed: %(title)s.") % {"title": card.title})
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#advice")
        overview = patient_overview(patient)
        context = {"patient": patient, "overview": overview, "dismiss_form": None}
        return render(request, "journal/review/assessment.html#advice", context)
    elif not request.htmx:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(reverse("patient_detail", args=[patient.pk]) + "#advice")
    context = {"patient": patient, "overview": overview, "dismiss_form": form}
    return render(request, "journal/review/assessment.html#advice", context)


@require_POST
@clinician_required
def patient_reviewed(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    overview = patient_overview(patient)
    patient_mark_reviewed(
        patient=patient,
        clinician=clinician_of(request),
        open_advice_keys=[card.key for card in overview.assessment.open_cards],
    )
    messages.success(request, _("%(patient)s marked reviewed.") % {"patient": patient.name})
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#review")


@clinician_required
@require_POST
def patient_medication_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A clinician adds a medicine to the patient's list; the safety state follows at once."""
    patient = patient_for(request, pk)
    form = MedicationForm(request.POST, today=patient.local_today())
    if not form.is_valid():
        context = patient_page(patient, medication_form=form)
        return render(request, "journal/review/patient.html", context, status=400)
    medication = medication_add(patient=patient, actor=request.user, **form.cleaned_data)
    messages.success(
        request,
        _("Added %(medication)s to %(patient)s's medications.")
        % {"medication": medication.name, "patient": patient.name},
    )
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#medications")


@clinician_required
@require_POST
def patient_medication_stop(request: AuthenticatedRequest, pk: int, medication_pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    medication = get_object_or_404(Medication, pk=medication_pk, patient=patient)
    form = MedicationStopForm(request.POST, medication=medication, today=patient.local_today())
    if form.is_valid():
        medication_stop(medication=medication, actor=request.user, stopped_on=form.cleaned_data["stopped_on"])
        messages.success(
            request,
            _("%(medication)s: last taken on %(day)s.")
            % {
                "medication": medication.name,
                "day": date_format(form.cleaned_data["stopped_on"], _("j F Y")),
            },
        )
    else:
        messages.error(request, " ".join(str(error) for error in form.errors["stopped_on"]))
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#medications")


@clinician_required
@require_POST
def question_answer(request: AuthenticatedRequest, pk: int, question_pk: int) -> HttpResponse:
    patient = patient_for(request, pk)
    question = get_object_or_404(Question, pk=question_pk, patient=patient)
    form = AnswerForm(request.POST, auto_id=f"q{question.pk}_%s")
    if form.is_valid():
        try:
            answer_question(
                question=question,
                clinician=clinician_of(request),
                answer=form.cleaned_data["answer"],
                request_key=form.cleaned_data["request_key"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Answer sent: the patient sees it under their question."))
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#questions")
    context = patient_page(patient, answer_forms={question.pk: form})
    return render(request, "journal/review/patient.html", context, status=400)


@clinician_required
@require_POST
def patient_lab_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A clinician records a result from a laboratory's report; the chart and advice follow."""
    patient = patient_for(request, pk)
    form = _lab_form(patient, patient.local_today(), request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            lab_result_record(patient=patient, clinician=clinician_of(request), **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded %(test)s of %(day)s.")
                % {"test": data["test"].name, "day": date_format(data["sampled_on"])},
            )
            return redirect(reverse("patient_detail", args=[patient.pk]) + "#labs")
    context = patient_page(patient, lab_form=form)
    return render(request, "journal/review/patient.html", context, status=400)


@clinician_required
@require_POST
def patient_lab_delete(request: AuthenticatedRequest, pk: int, result_pk: int) -> HttpResponse:
    """Delete a result recorded in error, with the reason."""
    patient = patient_for(request, pk)
    result = get_object_or_404(
        LabResult.objects.select_related("test", "patient"), pk=result_pk, patient=patient
    )
    form = LabResultDeleteForm(request.POST, auto_id=f"lab{result.pk}_%s")
    if form.is_valid():
        try:
            lab_result_delete(
                result=result, clinician=clinician_of(request), reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Deleted the %(test)s result.") % {"test": result.test.name})
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#labs")
