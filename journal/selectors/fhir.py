"""Reads behind the FHIR export: a patient's record as plain values for `journal.fhir`, one
patient's Bundle, and the clinic's NDJSON stream, read in batches so memory stays flat.

Resources are written in English whatever the reader's language (like the CSV): the dose's
words come from the `Schedule` under English (`settings.LANGUAGE_CODE`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone, translation

from journal import fhir
from journal.caregiving import logger_of
from journal.catalogue import LAB_TESTS, SYMPTOMS
from journal.models import AuditEvent, Clinic, Clinician, Patient, QuestionnaireAnswer, Symptom
from journal.safety import ScreeningAnswers
from journal.selectors.exports import WrittenExport
from journal.selectors.records import condition_tracks, patient_files, period_of

FHIR_BATCH_PATIENTS = 50  # patients read together by the clinic export

CATALOGUE = fhir.Catalogue(
    symptoms=tuple(name for name, _higher in SYMPTOMS),
    lab_tests=tuple((key, name) for key, name, *_rest in LAB_TESTS),
)


def _person(clinician: Clinician) -> fhir.Person:
    return fhir.Person(clinician.pk, str(clinician))


def _answers(ids: list[int], logins: dict[int, int | None]) -> dict[int, list[fhir.AnswerRecord]]:
    """Each patient's questionnaire answers with each question's words and who answered, oldest
    first (1 query); `logins`: each patient's own login."""
    found: dict[int, list[fhir.AnswerRecord]] = defaultdict(list)
    answers = QuestionnaireAnswer.objects.filter(patient_id__in=ids).select_related("version")
    for answer in answers.order_by("answered_on", "pk"):
        definition = answer.version.definition
        found[answer.patient_id].append(
            fhir.AnswerRecord(
                pk=answer.pk,
                day=answer.answered_on,
                questionnaire_id=answer.version.questionnaire_id,
                version=answer.version.number,
                title=definition.title,
                items=tuple(
                    (item.text, point, item.anchors[point - 1] if 0 < point <= len(item.anchors) else "")
                    for item, point in zip(definition.items, answer.values, strict=False)
                ),
                score=answer.score,
                answered_by=logger_of(answer.answered_by_id, logins[answer.patient_id]),
            )
        )
    return found


def _audit(patients: dict[int, Patient]) -> dict[int, list[fhir.AuditRecord]]:
    """Each patient's audit events, oldest first, with the clinician who acted (1 query)."""
    found: dict[int, list[fhir.AuditRecord]] = defaultdict(list)
    events = AuditEvent.objects.filter(patient_id__in=list(patients)).select_related("actor__clinician")
    for event in events.order_by("at", "pk"):
        assert event.patient_id is not None
        clinician = getattr(event.actor, "clinician", None) if event.actor is not None else None
        found[event.patient_id].append(
            fhir.AuditRecord(
                pk=event.pk,
                at=event.at,
                kind=event.kind,
                kind_words=str(event.get_kind_display()),
                clinician=_person(clinician) if clinician is not None else None,
                by_patient=event.actor_id is not None
                and event.actor_id == patients[event.patient_id].user_id,
            )
        )
    return found


def fhir_identity(patient: Patient) -> tuple[str, dt.date | None]:
    """What names the patient in every FHIR output besides the record code: their name and date
    of birth when their clinic chose so (`Clinic.fhir_names_patients`), else nothing."""
    if not patient.clinic.fhir_names_patients:
        return "", None
    return patient.name, patient.date_of_birth


def patient_exports(
    patients: Iterable[Patient], now: dt.datetime | None = None
) -> dict[int, fhir.PatientExport]:
    """Each patient's record as the FHIR export reads it (`patient_files`' 11 queries and 3
    more: conditions, questionnaire answers, audit events), however many patients. Read the
    patients with their clinic (`select_related("clinic")`): `fhir_identity` reads it."""
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    files = patient_files(patients, now)
    conditions = condition_tracks(ids)
    answers = _answers(ids, {patient.pk: patient.user_id for patient in patients})
    audit = _audit({patient.pk: patient for patient in patients})
    exports = {}
    for patient in patients:
        file = files[patient.pk]
        record = file.record
        side_effects: dict[dt.date, list[tuple[str, str, str]]] = defaultdict(list)
        for report in record.side_effects:
            side_effects[report.day].append((report.kind, report.severity, report.text))
        screening = file.screening
        name, birth_date = fhir_identity(patient)
        exports[patient.pk] = fhir.PatientExport(
            pk=patient.pk,
            label=patient.export_label,
            name=name,
            birth_date=birth_date,
            today=record.today,
            schedule=record.schedule,
            prescribers={plan.pk: _person(plan.prescriber) for plan in file.plans},
            conditions=tuple(
                fhir.ConditionItem(track.item.pk, track.item.name, track.periods, track.current)
                for track in conditions[patient.pk]
            ),
            medications=tuple(
                fhir.ListedMedication(
                    row.pk,
                    row.name,
                    row.dose_text,
                    row.started_on,
                    row.stopped_on,
                    period_of(row, patient.zone).listed_on,
                )
                for row in file.medications
            ),
            symptoms={
                track.symptom.pk: fhir.SymptomItem(
                    track.symptom.pk, track.symptom.name, track.symptom.clinic_id
                )
                for track in file.tracks
            },
            days=tuple(
                fhir.DayLog(
                    entry_id=day.entry_id,
                    day=day.day,
                    dose_taken=day.dose_taken,
                    dose_mg=day.dose_mg,
                    timing_taken=day.timing_taken,
                    sleep_quality=day.sleep_quality,
                    scores=day.scores,
                    side_effects=tuple(side_effects[day.day]),
                    logged_at=day.created_at,
                    logged_by=logger_of(day.logged_by_id, patient.user_id),
                )
                for day in file.days
            ),
            labs=record.labs,
            answers=tuple(answers[patient.pk]),
            screening=fhir.ScreeningRecord(
                pk=screening.pk,
                at=screening.screened_at,
                answers=ScreeningAnswers.from_record(screening),
                screened_by=_person(screening.screened_by),
            )
            if screening is not None
            else None,
            audit=tuple(audit[patient.pk]),
        )
    return exports


def patient_resources(patient: Patient, now: dt.datetime | None = None) -> list[fhir.Resource]:
    """One patient's resources with the CodeSystems and Practitioners they refer to (14 queries)."""
    record = patient_exports([patient], now)[patient.pk]
    with translation.override(settings.LANGUAGE_CODE):
        return fhir.patient_bundle_resources(
            record,
            settings.FHIR_BASE_URL,
            CATALOGUE,
            clinic_id=patient.clinic_id,
            clinic_name=patient.clinic.name,
        )


def patient_bundle(patient: Patient, now: dt.datetime | None = None) -> fhir.Resource:
    """One patient's record as a FHIR R4 Bundle of type "collection" (`patient_resources`)."""
    return fhir.bundle(patient_resources(patient, now), settings.FHIR_BASE_URL, now or timezone.now())


def clinic_ndjson(
    clinic: Clinic, now: dt.datetime | None = None, *, patient_ids: Iterable[int] | None = None
) -> Iterator[str]:
    """Every resource of the clinic (or of those of its patients in `patient_ids`), one NDJSON
    line each (Bulk Data style): the CodeSystems and the clinic's clinicians first, then each
    patient's record, read `FHIR_BATCH_PATIENTS` at a time (3 queries, then 15 a batch: the
    patients and `patient_exports`), so memory stays flat however large the clinic. Every
    batch names its patients or not as `clinic` says (one reading of the setting a file)."""
    base = settings.FHIR_BASE_URL
    own = [
        fhir.SymptomItem(pk, name, clinic.pk)
        for pk, name in Symptom.objects.filter(clinic=clinic).order_by("pk").values_list("pk", "name")
    ]
    yield fhir.ndjson_line(fhir.code_system(base, CATALOGUE))
    if own:
        yield fhir.ndjson_line(fhir.clinic_code_system(base, clinic.pk, clinic.name, own))
    for clinician in Clinician.objects.filter(clinic=clinic).select_related("user").order_by("pk"):
        yield fhir.ndjson_line(fhir.practitioner_resource(_person(clinician)))
    patients = Patient.objects.filter(clinic=clinic)
    if patient_ids is not None:
        patients = patients.filter(pk__in=list(patient_ids))
    ids = list(patients.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), FHIR_BATCH_PATIENTS):
        batch = list(Patient.objects.filter(pk__in=ids[start : start + FHIR_BATCH_PATIENTS]).order_by("pk"))
        for patient in batch:  # the setting as read once: the whole file (and its job) alike
            patient.clinic = clinic
        records = patient_exports(batch, now)
        with translation.override(settings.LANGUAGE_CODE):
            lines = [
                fhir.ndjson_line(resource)
                for pk in sorted(records)
                for resource in fhir.record_resources(records[pk], base)
            ]
        yield from lines


def ndjson_write(
    clinic: Clinic, patient_ids: Iterable[int], out: BinaryIO, now: dt.datetime | None = None
) -> WrittenExport:
    """`clinic_ndjson` of these patients written to `out` as UTF-8, counted (resources) and
    hashed as it goes. The clinic export job calls it."""
    digest, size, rows = hashlib.sha256(), 0, 0
    for line in clinic_ndjson(clinic, now, patient_ids=patient_ids):
        chunk = line.encode()
        out.write(chunk)
        digest.update(chunk)
        size += len(chunk)
        rows += 1
    return WrittenExport(rows=rows, size=size, sha256=digest.hexdigest())
