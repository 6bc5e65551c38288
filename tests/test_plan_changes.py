"""journal.plan_changes: each kind of plan change is one message with its values, English as
data (the audit row) and in the reader's language when shown, dates and doses the reader's way;
kept as JSON and read back the same."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation

from journal import plan_changes
from journal.plan_changes import PlanChange

D = dt.date
MAR_2, MAR_16 = D(2026, 3, 2), D(2026, 3, 16)

CHANGES = {
    "created": plan_changes.created("gentle", [(MAR_2, Decimal("0.5")), (MAR_16, Decimal("1"))], "bedtime"),
    "step_changed": plan_changes.step_changed(
        MAR_16, (Decimal("4.5"), "bedtime", "daily"), (Decimal("4"), "morning", "daily")
    ),
    "step_to_every_other_day": plan_changes.step_changed(
        MAR_16, (Decimal("3"), "bedtime", "daily"), (Decimal("3"), "bedtime", "every_other_day")
    ),
    "held_one": plan_changes.held(1, 7, MAR_16),
    "held_several": plan_changes.held(3, 1, MAR_16),
    "stepped_back": plan_changes.stepped_back(MAR_2, Decimal("3"), Decimal("1.5"), "bedtime", 7),
    "stepped_back_only": plan_changes.stepped_back(MAR_2, Decimal("3"), Decimal("1.5"), "bedtime", 0),
    "to_morning": plan_changes.to_morning(MAR_2, Decimal("3"), 2),
    "to_morning_only": plan_changes.to_morning(MAR_2, Decimal("3"), 0),
    "ended": plan_changes.ended(MAR_16, 0),
    "ended_removing": plan_changes.ended(MAR_16, 2),
    "ended_tapering": plan_changes.ended(MAR_16, 1, (MAR_2, Decimal("1.5"), "bedtime", "daily")),
    "stepped_back_every_other_day": plan_changes.stepped_back(
        MAR_2, Decimal("3"), Decimal("1.5"), "bedtime", 0, "every_other_day"
    ),
    "paused": plan_changes.paused(MAR_2, MAR_16, "surgery", recorded_on=MAR_2),
    "paused_late": plan_changes.paused(MAR_2, MAR_16, "surgery", recorded_on=MAR_16, late_reason="phoned"),
}

WORDS = {
    "created": (
        "Gentle plan: 0.5 mg at bedtime from 2026-03-02; 1 mg at bedtime from 2026-03-16.",
        "Plan Suave: 0,5 mg al acostarse desde el 2 de marzo de 2026; 1 mg al acostarse desde el 16 de "
        "marzo de 2026.",
        "Plan „Sanft“: 0,5 mg zur Nacht ab dem 2. März 2026; 1 mg zur Nacht ab dem 16. März 2026.",
    ),
    "step_changed": (
        "Step changed: 4.5 mg at bedtime from 2026-03-16 → 4 mg in the morning from 2026-03-16.",
        "Paso cambiado: 4,5 mg al acostarse desde el 16 de marzo de 2026 → 4 mg por la mañana desde el "
        "16 de marzo de 2026.",
        "Schritt geändert: 4,5 mg zur Nacht ab dem 16. März 2026 → 4 mg morgens ab dem 16. März 2026.",
    ),
    "step_to_every_other_day": (
        "Step changed: 3 mg at bedtime from 2026-03-16 → 3 mg every other day at bedtime from 2026-03-16.",
        "Paso cambiado: 3 mg al acostarse desde el 16 de marzo de 2026 → 3 mg en días alternos al "
        "acostarse desde el 16 de marzo de 2026.",
        "Schritt geändert: 3 mg zur Nacht ab dem 16. März 2026 → 3 mg jeden zweiten Tag zur Nacht ab dem "
        "16. März 2026.",
    ),
    "stepped_back_every_other_day": (
        "Step back: 3 mg every other day at bedtime → 1.5 mg every other day at bedtime from 2026-03-02.",
        "Paso atrás: 3 mg en días alternos al acostarse → 1,5 mg en días alternos al acostarse desde el "
        "2 de marzo de 2026.",
        "Schritt zurück: 3 mg jeden zweiten Tag zur Nacht → 1,5 mg jeden zweiten Tag zur Nacht ab dem 2. "
        "März 2026.",
    ),
    "held_one": (
        "Hold: the later step moves 7 days later, to 2026-03-16.",
        "Pausa del aumento: el paso siguiente se retrasa 7 días, al 16 de marzo de 2026.",
        "Dosis gehalten: Der nächste Schritt verschiebt sich um 7 Tage, auf den 16. März 2026.",
    ),
    "held_several": (
        "Hold: the 3 later steps move 1 day later; the next step is now on 2026-03-16.",
        "Pausa del aumento: los 3 pasos siguientes se retrasan 1 día; el próximo paso es ahora el 16 de "
        "marzo de 2026.",
        "Dosis gehalten: Die 3 späteren Schritte verschieben sich um 1 Tag; der nächste Schritt ist "
        "jetzt am 16. März 2026.",
    ),
    "stepped_back": (
        "Step back: 3 mg at bedtime → 1.5 mg at bedtime from 2026-03-02; later steps 7 days later.",
        "Paso atrás: 3 mg al acostarse → 1,5 mg al acostarse desde el 2 de marzo de 2026; los pasos "
        "siguientes, 7 días más tarde.",
        "Schritt zurück: 3 mg zur Nacht → 1,5 mg zur Nacht ab dem 2. März 2026; spätere Schritte 7 "
        "Tage später.",
    ),
    "stepped_back_only": (
        "Step back: 3 mg at bedtime → 1.5 mg at bedtime from 2026-03-02.",
        "Paso atrás: 3 mg al acostarse → 1,5 mg al acostarse desde el 2 de marzo de 2026.",
        "Schritt zurück: 3 mg zur Nacht → 1,5 mg zur Nacht ab dem 2. März 2026.",
    ),
    "to_morning": (
        "Timing: 3 mg in the morning from 2026-03-02; the 2 later steps in the morning too.",
        "Horario: 3 mg por la mañana desde el 2 de marzo de 2026; los 2 pasos siguientes, también por la "
        "mañana.",
        "Einnahmezeit: 3 mg morgens ab dem 2. März 2026; die 2 späteren Schritte ebenfalls morgens.",
    ),
    "to_morning_only": (
        "Timing: 3 mg in the morning from 2026-03-02.",
        "Horario: 3 mg por la mañana desde el 2 de marzo de 2026.",
        "Einnahmezeit: 3 mg morgens ab dem 2. März 2026.",
    ),
    "ended": (
        "Plan ends on 2026-03-16 (nothing prescribed from that day).",
        "El plan termina el 16 de marzo de 2026 (desde ese día no se prescribe nada).",
        "Der Plan endet am 16. März 2026 (ab diesem Tag ist nichts verordnet).",
    ),
    "ended_removing": (
        "Plan ends on 2026-03-16 (nothing prescribed from that day); 2 later steps removed.",
        "El plan termina el 16 de marzo de 2026 (desde ese día no se prescribe nada); se quitan los 2 "
        "pasos siguientes.",
        "Der Plan endet am 16. März 2026 (ab diesem Tag ist nichts verordnet); 2 spätere Schritte entfallen.",
    ),
    "ended_tapering": (
        "Plan ends on 2026-03-16 (nothing prescribed from that day); taper to 1.5 mg at bedtime from "
        "2026-03-02; the later step removed.",
        "El plan termina el 16 de marzo de 2026 (desde ese día no se prescribe nada); reducción a 1,5 mg "
        "al acostarse desde el 2 de marzo de 2026; se quita el paso siguiente.",
        "Der Plan endet am 16. März 2026 (ab diesem Tag ist nichts verordnet); Reduktion auf 1,5 mg zur "
        "Nacht ab dem 2. März 2026; der spätere Schritt entfällt.",
    ),
    "paused": (
        "LDN paused from 2026-03-02 to 2026-03-16: surgery",
        "LDN en pausa del 2 de marzo de 2026 al 16 de marzo de 2026: surgery",
        "LDN pausiert vom 2. März 2026 bis 16. März 2026: surgery",
    ),
    "paused_late": (
        "LDN paused from 2026-03-02 to 2026-03-16: surgery. Recorded afterwards, on 2026-03-16: phoned",
        "LDN en pausa del 2 de marzo de 2026 al 16 de marzo de 2026: surgery. Registrado después, el 16 "
        "de marzo de 2026: phoned",
        "LDN pausiert vom 2. März 2026 bis 16. März 2026: surgery. Nachträglich eingetragen am 16. März "
        "2026: phoned",
    ),
}


@pytest.mark.parametrize("name", CHANGES)
@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_each_change_reads_in_the_readers_language_and_stays_english_as_data(name, language):
    kept, spanish, german = WORDS[name]
    words = CHANGES[name].words()
    assert str.__str__(words) == kept  # the audit row's words, whoever reads
    # English readers see a date their way too; the data keeps it ISO.
    english = kept.replace("2026-03-02", "2 March 2026").replace("2026-03-16", "16 March 2026")
    with translation.override(language):
        assert str(words) == {"en": english, "es": spanish, "de": german}[language]


@pytest.mark.parametrize("name", CHANGES)
def test_a_change_kept_as_json_reads_back_the_same(name):
    stored = json.loads(json.dumps(CHANGES[name].as_data()))
    read = PlanChange.from_data(stored)
    assert read == CHANGES[name]
    with translation.override("de"):
        assert str(read.words()) == WORDS[name][2]


@pytest.mark.parametrize("data", [{}, {"kind": "unknown", "values": {}}])
def test_a_row_kept_before_changes_were_data_has_no_change(data):
    assert PlanChange.from_data(data) is None


def test_a_typed_reason_is_shown_as_typed():
    with translation.override("es"):
        assert str(CHANGES["paused"].words()).endswith(": surgery")


@pytest.mark.parametrize(
    "wording",
    [
        {},  # written before changes were kept as data
        {"kind": "held", "values": {"later_steps": 1}},  # values of an older message
        {"kind": "held", "values": {"steps": "x", "days": None, "next_day": "not a date"}},  # bad values
    ],
)
def test_a_stored_note_whose_values_no_longer_fit_reads_as_stored(wording):
    from journal.models import PlanChangeNote

    note = PlanChangeNote(change="Hold: later steps move 7 days later.", wording=wording)
    with translation.override("es"):
        assert note.words == "Hold: later steps move 7 days later."


@pytest.mark.parametrize(
    ("note", "spanish"),
    [
        (plan_changes.TAPER_NOTE, "Reducción gradual"),
        (plan_changes.MORNING_NOTE, "Pasado a la mañana"),
        (plan_changes.stepped_back_note(Decimal("3")), "Paso atrás desde 3 mg"),
        (plan_changes.stepped_back_note(Decimal("1.5")), "Paso atrás desde 1,5 mg"),
        ("Stepped back from lots mg", "Stepped back from lots mg"),  # typed by a clinician
        ("Moved to the morning after insomnia", "Moved to the morning after insomnia"),
    ],
)
def test_the_apps_own_step_notes_read_in_the_readers_language_and_a_clinicians_as_typed(note, spanish):
    assert plan_changes.step_note_words(note) == note
    with translation.override("es"):
        assert plan_changes.step_note_words(note) == spanish
