"""Spanish and German: the committed catalogues, the reader's language, numbers and dates in it,
and no English left on a patient's pages."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import gettext
import html
import io
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from journal.models import AuditEvent, DailyEntry, LdnPause, Medication, User
from journal.response import describe_change
from journal.safety import ScreeningAnswers
from journal.selectors.review import ReadDay, Reads
from journal.services.messages import question_answer, question_ask
from journal.services.plans import plan_hold, screening_record
from tests.factories import make_entry, make_plan

D = dt.date
NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)  # Friday 20 March in London
TODAY = D(2026, 3, 20)
LANGUAGES = ("es", "de")
LOCALE = Path(settings.BASE_DIR) / "locale"

pytestmark = pytest.mark.frozen_at(NOW)


# --- the catalogues ------------------------------------------------------------------------------


def po_entries(language: str) -> list[dict]:
    """The entries of a committed .po file: msgid, msgid_plural, msgstr by index, flags."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in text.strip().split("\n\n"):
        entry: dict = {"flags": [], "context": None, "msgid": "", "msgid_plural": None, "msgstr": {}}
        field: tuple | str | None = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith("msgctxt "):
                field, entry["context"] = "context", ast.literal_eval(line[8:])
            elif line.startswith("msgid_plural "):
                field, entry["msgid_plural"] = "msgid_plural", ast.literal_eval(line[13:])
            elif line.startswith("msgid "):
                field, entry["msgid"] = "msgid", ast.literal_eval(line[6:])
            elif match := re.match(r"msgstr(?:\[(\d)\])? (.*)", line):
                index = int(match.group(1) or 0)
                field, entry["msgstr"][index] = ("msgstr", index), ast.literal_eval(match.group(2))
            elif line.startswith('"'):
                if isinstance(field, tuple):
                    entry["msgstr"][field[1]] += ast.literal_eval(line)
                else:
                    entry[field] += ast.literal_eval(line)
        entries.append(entry)
    header, *messages = entries
    assert header["msgid"] == ""
    return messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = po_entries(language)
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plurals = [e for e in entries if e["msgid_plural"] is not None]
    assert plurals and all(sorted(e["msgstr"]) == [0, 1] for e in plurals)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_mo_file_is_the_compiled_po_file(language):
    """`make messages` compiles the catalogues; a .po changed without compiling fails here."""
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    expected: dict[object, str] = {}
    for entry in po_entries(language):
        msgid = entry["msgid"] if entry["context"] is None else f"{entry['context']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            expected[msgid] = entry["msgstr"][0]
        else:
            expected.update({(msgid, index): text for index, text in entry["msgstr"].items()})
    compiled_messages = {key: value for key, value in catalogue.items() if key != ""}
    assert compiled_messages == expected


# --- the reader's language -----------------------------------------------------------------------


@pytest.fixture
def as_alice(client, alice, frozen):
    client.force_login(alice.user)
    return client


def test_a_patient_picks_their_language_on_the_account_page(as_alice, alice):
    account = as_alice.get(reverse("account")).content.decode()
    assert 'name="language" value="de"' in account

    response = as_alice.post(reverse("language_change"), {"language": "de"}, follow=True)
    alice.user.refresh_from_db()
    assert alice.user.language == "de"
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "Ihre Seiten sind jetzt in dieser Sprache." in page
    today = as_alice.get(reverse("today"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Ihre Dosis heute" in today  # the pick wins over the browser's language


def test_without_a_pick_the_browser_language_is_used(as_alice):
    page = as_alice.get(reverse("today"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="es">' in page
    assert "Su dosis de hoy" in page
    english = as_alice.get(reverse("today"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en">' in english and "Your dose today" in english


def test_a_language_outside_the_list_is_refused(as_alice, alice):
    response = as_alice.post(reverse("language_change"), {"language": "fr"}, follow=True)
    alice.user.refresh_from_db()
    assert alice.user.language == ""
    assert "Choose one of the languages listed." in response.content.decode()


def test_the_database_holds_only_known_languages(alice):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=alice.user.pk).update(language="xx")


@pytest.mark.parametrize(
    ("header", "expected", "words"),
    [("de-DE,de;q=0.9", "de", "Anmelden"), ("es", "es", "Iniciar sesión"), ("", "en", "Log in")],
)
def test_signed_out_pages_follow_the_browser(client, header, expected, words):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=header)
    page = response.content.decode()
    assert f'<html lang="{expected}">' in page
    assert words in page
    assert "Accept-Language" in response["Vary"]


def test_the_language_costs_no_query(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5")])
    counts = {}
    for language in ("en", "es"):
        User.objects.filter(pk=alice.user.pk).update(language=language)
        with CaptureQueriesContext(connection) as queries:
            assert as_alice.get(reverse("today")).status_code == 200
        counts[language] = len(queries)
    assert counts["es"] == counts["en"]


# --- numbers and dates in the reader's language --------------------------------------------------


def entry_post(day: dt.date, **fields) -> dict:
    return {"entry_date": day.isoformat(), "dose_taken": "yes", "timing_taken": "bedtime", **fields}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_dose_typed_with_a_comma_is_saved_as_mg(as_alice, alice, carol, language):
    User.objects.filter(pk=alice.user.pk).update(language=language)
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5")])
    form = as_alice.get(reverse("entry")).content.decode()
    assert 'value="1,5"' in form  # the prescribed dose, shown with the reader's separator

    response = as_alice.post(reverse("entry"), entry_post(TODAY, dose_mg="1,5"))
    assert response.status_code == 302
    assert DailyEntry.objects.get(patient=alice, entry_date=TODAY).dose_mg == Decimal("1.5")
    history = as_alice.get(reverse("history")).content.decode()
    assert "1,5 mg" in history and "1.5 mg" not in history


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("es", "Las dosis de LDN llegan hasta 16 mg"),
        ("de", "LDN-Dosen gehen bis 16 mg"),
    ],
)
def test_the_dose_bounds_hold_and_say_why_in_the_readers_language(as_alice, alice, language, refusal):
    User.objects.filter(pk=alice.user.pk).update(language=language)
    response = as_alice.post(reverse("entry"), entry_post(TODAY, dose_mg="16,5"))
    assert refusal in response.content.decode()
    assert not DailyEntry.objects.exists()


def test_dates_read_in_each_languages_order(as_alice, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 1), "3"), (D(2026, 3, 29), "4.5")])
    User.objects.filter(pk=alice.user.pk).update(language="es")
    assert "a partir del domingo 29 de marzo" in as_alice.get(reverse("today")).content.decode()
    User.objects.filter(pk=alice.user.pk).update(language="de")
    assert "ab Sonntag, 29. März" in as_alice.get(reverse("today")).content.decode()


def test_the_patients_csv_stays_a_data_format(as_alice, alice, carol):
    """English headers and values and a "." decimal point, whatever the reader's language."""
    User.objects.filter(pk=alice.user.pk).update(language="de")
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5")])
    make_entry(alice, D(2026, 3, 19), dose_mg=Decimal("1.5"), timing_taken="bedtime")
    response = as_alice.get(reverse("own_csv"), {"download": "1"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(row for row in rows if row["date"] == "2026-03-19")
    assert "1,5" not in row.values()
    assert any(value == "1.5" for value in row.values())


# --- no English left on the patient's pages ------------------------------------------------------

# Words a page in Spanish or German must not show (whole words): the menu, the dose, the entry.
ENGLISH_WORDS = (
    "Today", "History", "Medications", "Questions", "Account", "Log out", "My plan", "My chart",
    "Help", "Reminders", "bedtime", "morning", "dose", "Dose", "entry", "Entry", "Save", "Week",
    "taken", "logged", "the", "your", "Your", "and", "with",
)  # fmt: skip
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sd]|\{[a-z_0-9]*\}|<[^>]+>|%%")


def english_phrases() -> set[str]:
    """Every phrase of two words or more of the catalogues' English, where neither translation
    holds the same phrase (names such as "Google Authenticator" are the same in every language)."""
    translations = {language: po_entries(language) for language in LANGUAGES}
    kept = set()
    for spanish, german in zip(*translations.values(), strict=True):
        assert spanish["msgid"] == german["msgid"]
        both = " ".join([*spanish["msgstr"].values(), *german["msgstr"].values()])
        for source in filter(None, (spanish["msgid"], spanish["msgid_plural"])):
            for piece in PLACEHOLDER.split(source):
                phrase = " ".join(piece.split()).strip(" ,.;:·—()“”?!")
                if len(phrase) >= 8 and " " in phrase and phrase not in both:
                    kept.add(phrase)
    return kept


def visible_text(page: str) -> str:
    """The text a reader sees or hears: text nodes and the labels of aria-label, placeholder,
    title and alt; not scripts, styles or the chart's JSON."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    labels = re.findall(r'\b(?:aria-label|placeholder|title|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html.unescape(" ".join([text, *labels])).split())


@pytest.fixture
def full_patient(alice, carol, frozen):
    """Alice with what every patient page can show: a plan changed with a reason, a pause
    ahead, entries with scores and side effects, a medicine, answered and open questions."""
    plan = make_plan(alice, carol, [(D(2026, 2, 1), "1.5"), (D(2026, 3, 1), "3"), (D(2026, 3, 29), "4.5")])
    plan_hold(plan=plan, clinician=carol, days=7, today=TODAY, patient_reason="…")
    LdnPause.objects.create(
        patient=alice, start_date=D(2026, 4, 20), end_date=D(2026, 4, 24), reason="…", created_by=carol
    )
    for offset in range(1, 40):
        day = TODAY - dt.timedelta(days=offset)
        if offset % 6:
            entry = make_entry(
                alice, day, dose_mg=Decimal("3"), timing_taken="bedtime", scores={"Pain": 5, "Fatigue": 4}
            )
            entry.sleep_quality = 6
            entry.save(update_fields=["sleep_quality"])
            if offset % 5 == 0:
                entry.side_effects.create(kind="vivid_dreams", severity="mild")
    Medication.objects.create(patient=alice, name="Levothyroxine", dose_text="50 mcg")
    answered = question_ask(patient=alice, topic="plan", entry_date=None, text="…?", today=TODAY)
    question_answer(question=answered, clinician=carol, answer="…")
    question_ask(
        patient=alice, topic="entry", entry_date=TODAY - dt.timedelta(days=2), text="…?", today=TODAY
    )
    return alice


PATIENT_PAGES = [
    ("today", {}),
    ("entry", {}),
    ("my_plan", {}),
    ("my_chart", {}),
    ("history", {}),
    ("day_detail", {"day": "2026-02-20"}),
    ("medications", {}),
    ("my_questions", {}),
    ("reminders", {}),
    ("calendar", {}),
    ("help_index", {}),
    ("help_topic", {"slug": "opioids-and-surgery"}),
    ("introduction", {"screen": 4}),
    ("own_csv", {}),
    ("account", {}),
    ("sessions", {}),
    ("password_change", {}),
    ("two_factor_setup", {}),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "kwargs"), PATIENT_PAGES, ids=[name for name, _kwargs in PATIENT_PAGES])
def test_no_english_is_left_on_a_patient_page(client, full_patient, language, name, kwargs):
    User.objects.filter(pk=full_patient.user.pk).update(language=language)
    client.force_login(full_patient.user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    # The sources a help page cites keep their published titles.
    text = re.sub(r"(\[\d{3}\] )“[^”]*”", r"\1", visible_text(response.content.decode()))
    left = sorted(phrase for phrase in english_phrases() if phrase in text)
    words = sorted(word for word in ENGLISH_WORDS if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text))
    assert (left, words) == ([], []), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_is_left_on_the_signed_out_pages(client, full_patient, language):
    for page in (reverse("login"), reverse("accept_invitation", kwargs={"token": "x" * 43})):
        text = visible_text(client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode())
        assert sorted(phrase for phrase in english_phrases() if phrase in text) == [], text


def test_the_check_finds_the_english_of_an_english_page(client, full_patient):
    """The two checks above would fail on a page left in English."""
    client.force_login(full_patient.user)
    text = visible_text(client.get(reverse("today")).content.decode())
    assert len([phrase for phrase in english_phrases() if phrase in text]) > 10
    assert {"Today", "History", "dose"} <= {word for word in ENGLISH_WORDS if re.search(rf"\b{word}\b", text)}


def test_picking_a_language_needs_a_login_and_a_post(client, alice):
    assert client.post(reverse("language_change"), {"language": "de"}).status_code == 302
    alice.user.refresh_from_db()
    assert alice.user.language == ""  # sent to sign in, nothing changed
    client.force_login(alice.user)
    assert client.get(reverse("language_change")).status_code == 405


def test_the_dose_calendar_speaks_the_patients_language(client, alice, carol):
    make_plan(alice, carol, [(D(2026, 3, 1), "1.5")])
    User.objects.filter(pk=alice.user.pk).update(language="de")
    feed = client.get(reverse("calendar_feed", kwargs={"token": alice.calendar_token}))
    text = feed.content.decode().replace("\r\n ", "")
    assert "SUMMARY:LDN nehmen: 1\\,5 mg zur Nacht" in text


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("es", "Pausa del aumento: el paso siguiente se retrasa 7 días, al 5 de abril de 2026."),
        ("de", "Dosis gehalten: Der nächste Schritt verschiebt sich um 7 Tage, auf den 5. April 2026."),
    ],
)
def test_a_patient_reads_the_change_to_their_plan_in_their_language(client, full_patient, language, told):
    User.objects.filter(pk=full_patient.user.pk).update(language=language)
    client.force_login(full_patient.user)
    for page in ("my_plan", "today"):
        assert told in visible_text(client.get(reverse(page)).content.decode()), page
    (event,) = AuditEvent.objects.filter(patient=full_patient, kind="plan_changed")
    assert (
        event.summary == "Hold: the later step moves 7 days later, to 2026-04-05. Reason for the patient: …"
    )


def test_a_change_told_before_its_words_were_kept_is_shown_as_stored(client, full_patient):
    full_patient.plan_notes.update(wording={}, change="Hold: the 1 later step(s) move 7 days later.")
    User.objects.filter(pk=full_patient.user.pk).update(language="es")
    client.force_login(full_patient.user)
    assert "Hold: the 1 later step(s) move 7 days later." in client.get(reverse("my_plan")).content.decode()


# --- the clinician's pages -----------------------------------------------------------------------


def clinician_in(client, clinician, language: str):
    User.objects.filter(pk=clinician.user.pk).update(language=language)
    client.force_login(clinician.user)
    return client


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("es", "La fecha de fin debe ser posterior a hoy; la dosis de hoy se queda como está prescrita."),
        ("de", "Das Enddatum muss nach heute liegen; die heutige Dosis bleibt wie verordnet."),
    ],
)
def test_a_refused_plan_change_says_why_in_the_clinicians_language(
    client, full_patient, carol, language, refusal
):
    clinician_in(client, carol, language)
    response = client.post(
        reverse("plan_end", args=[full_patient.pk]), {"patient_reason": "…", "ended_on": TODAY.isoformat()}
    )
    assert response.status_code == 400
    assert refusal in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("language", "summary", "filtered"),
    [
        (
            "es",
            "1 paciente; orden: Paciente, ascendente.",
            "1 paciente (fase: en titulación) con alertas de seguridad; orden: Día con LDN, descendente.",
        ),
        (
            "de",
            "1 Patient/in, sortiert nach Patient/in, aufsteigend.",
            "1 Patient/in (Phase: Aufdosierung) mit Sicherheitsmarkierungen, "
            "sortiert nach Tag mit LDN, absteigend.",
        ),
    ],
)
def test_the_rosters_summary_is_one_sentence_in_the_clinicians_language(
    client, full_patient, carol, language, summary, filtered
):
    clinician_in(client, carol, language)
    assert summary in client.get(reverse("roster")).content.decode()
    page = client.get(reverse("roster"), {"phase": "titrating", "flagged": "1", "sort": "day", "dir": "desc"})
    assert filtered in page.content.decode(), re.findall(r"roster-order[^>]*>([^<]*)", page.content.decode())


def test_a_flash_message_reads_in_the_clinicians_language(client, full_patient, carol):
    clinician_in(client, carol, "de")
    response = client.post(reverse("patient_reviewed", args=[full_patient.pk]), follow=True)
    assert "als durchgesehen markiert." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "flash"),
    [
        ("de", "Schritt zurück: 3 mg zur Nacht → 1,5 mg zur Nacht ab dem 22. März 2026."),
        ("es", "Paso atrás: 3 mg al acostarse → 1,5 mg al acostarse desde el 22 de marzo de 2026."),
    ],
)
def test_the_clinician_reads_the_change_they_made_in_their_language(
    client, full_patient, carol, language, flash
):
    clinician_in(client, carol, language)
    response = client.post(
        reverse("plan_step_back", args=[full_patient.pk]),
        {"patient_reason": "Kopfschmerzen.", "start_date": "2026-03-22", "shift_days": "0"},
        follow=True,
    )
    assert flash in html.unescape(response.content.decode())
    event = AuditEvent.objects.filter(patient=full_patient, kind="plan_changed").order_by("pk").last()
    assert event.summary == (
        "Step back: 3 mg at bedtime → 1.5 mg at bedtime from 2026-03-22."
        " Reason for the patient: Kopfschmerzen."
    )


def screened(patient, clinician, *yes: str, **answers):
    return screening_record(
        patient=patient,
        clinician=clinician,
        answers=ScreeningAnswers(yes=frozenset(yes), **answers),
        start_date=TODAY,
        today=TODAY,
    )


def plan_editor_data(**fields) -> dict:
    data = {
        "template": "custom",
        "start_date": TODAY.isoformat(),
        "start_mg": "1.5",
        "increment_mg": "2",
        "interval_days": "14",
        "target_mg": "3.5",
        "timing": "bedtime",
        "form": "capsule",
        "strength_mg": "0.5",
        "notes": "",
        "patient_reason": "…",
        "action": "save",
    }
    return {**data, **fields}


@pytest.mark.parametrize(
    ("language", "refusal", "warning"),
    [
        (
            "es",
            "50 mg es naltrexona a dosis estándar, no LDN. Aún no hay pasos: 2 parámetros que corregir.",
            "Un aumento de 2 mg (1,5 → 3,5 mg) es mayor que 1,5 mg.",
        ),
        (
            "de",
            "50 mg ist Naltrexon in Standarddosis, kein LDN. "
            "Noch keine Schritte: 2 Parameter zu korrigieren.",
            "Eine Steigerung um 2 mg (1,5 → 3,5 mg) ist größer als 1,5 mg.",
        ),
    ],
)
def test_the_plan_editor_judges_doses_in_the_clinicians_language_and_the_audit_log_stays_english(
    client, alice, carol, frozen, language, refusal, warning
):
    screened(alice, carol)
    clinician_in(client, carol, language)
    url = reverse("plan_new", args=[alice.pk])
    refused = client.post(url, plan_editor_data(start_mg="50", target_mg="50")).content.decode()
    message, summary = refusal.split(". ", 1)
    assert f"{message}." in html.unescape(refused)
    assert summary in visible_text(refused)
    warned = html.unescape(client.post(url, plan_editor_data()).content.decode())
    assert warning in warned
    client.post(url, plan_editor_data(confirm_warnings="on"))
    (event,) = AuditEvent.objects.filter(patient=alice, kind=AuditEvent.Kind.WARNING_CONFIRMED)
    assert "A step up of 2 mg (1.5 → 3.5 mg) is larger than 1.5 mg." in event.summary
    assert (
        event.details["warnings"][0]["message"] == "A step up of 2 mg (1.5 → 3.5 mg) is larger than 1.5 mg."
    )


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "es",
            [
                "Hepatitis aguda.",
                "Figura como contraindicación de la LDN [001, 003].",
                "Oxicodona: última dosis el 2026-03-15, 5 días antes de la fecha de inicio "
                "(se necesitan al menos 7).",
            ],
        ),
        (
            "de",
            [
                "Akute Hepatitis.",
                "Als Kontraindikation für LDN aufgeführt [001, 003].",
                "Oxicodona: letzte Dosis am 2026-03-15, 5 Tage vor dem Startdatum (mindestens 7 nötig).",
            ],
        ),
    ],
)
def test_screening_findings_read_in_the_clinicians_language(client, alice, carol, frozen, language, texts):
    screened(alice, carol, "acute_hepatitis", opioid_use_last_14_days=True, opioid_names="oxicodona",
             opioid_stopped_on=D(2026, 3, 15))  # fmt: skip
    clinician_in(client, carol, language)
    for page in (reverse("patient_detail", args=[alice.pk]), reverse("plan_new", args=[alice.pk])):
        text = visible_text(client.get(page).content.decode())
        assert [words for words in texts if words not in text] == [], text
    stored = AuditEvent.objects.get(patient=alice, kind=AuditEvent.Kind.SCREENING)
    assert "Acute hepatitis." in str(stored.details)


@pytest.mark.parametrize(
    ("language", "better", "zero_baseline", "too_early"),
    [
        (
            "es",
            "1,3 puntos mejor (21 %)",
            "0,9 puntos peor (9 % de la escala 0–10)",
            "Demasiado pronto: los efectos iniciales suelen verse a las 8–10 semanas",
        ),
        (
            "de",
            "1,3 Punkte besser (21 %)",
            "0,9 Punkte schlechter (9 % der Skala 0–10)",
            "Zu früh: erste Wirkungen zeigen sich meist nach 8–10 Wochen",
        ),
    ],
)
def test_the_response_tables_words_read_in_the_clinicians_language(
    client, full_patient, carol, language, better, zero_baseline, too_early
):
    with translation.override(language):
        assert str(describe_change(Fraction(13, 10), Fraction(6))) == better
        assert str(describe_change(Fraction(-96, 100), Fraction(0))) == zero_baseline
    # Kept as data (a CSV, a stored row), the words stay English.
    assert describe_change(Fraction(13, 10), Fraction(6)) == "1.3 points better (21 %)"
    clinician_in(client, carol, language)
    page = visible_text(client.get(reverse("patient_detail", args=[full_patient.pk])).content.decode())
    assert too_early in page


CLINICIAN_PAGES = [("rulebook", False), ("plan_new", True), ("patient_detail", True)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "for_patient"), CLINICIAN_PAGES, ids=[name for name, _ in CLINICIAN_PAGES])
def test_no_catalogued_english_is_left_on_a_clinicians_page(
    client, alice, carol, frozen, language, name, for_patient
):
    """Every text of the catalogue reads translated on these clinician pages: a screening
    with findings, the plan editor, the rulebook with its advice and step-effect rules and
    sources (a published title stays as published: not a catalogue text). The audit log's
    summaries stay English by design (README, Languages)."""
    screened(alice, carol, "acute_hepatitis", "thyroid_medication", opioid_use_last_14_days=True,
             opioid_names="oxicodona", opioid_stopped_on=D(2026, 3, 15))  # fmt: skip
    clinician_in(client, carol, language)
    response = client.get(reverse(name, args=[alice.pk] if for_patient else []))
    assert response.status_code == 200
    page = re.sub(r"<code>.*?</code>", " ", response.content.decode())  # rule codes are identifiers
    page = re.sub(r'(</strong>: )[^<]*(<span class="meta">)', r"\1\2", page)  # stored audit summaries
    text = visible_text(page)
    assert sorted(phrase for phrase in english_phrases() if phrase in text) == [], text


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "es",
            [
                "Reglas de dosis",
                "Una dosis de 50 mg o más.",
                "Una mejora del 50 % o más es sustancial.",
                "Se activa cuando menos del 70 % de las dosis prescritas en los últimos 14 días",
                "Cada subida se juzga del día 15 al día 42 con la nueva dosis",
                "todo el intervalo del 95 % del cambio",
                "Quién no debe tomar LDN:",
                "A Comprehensive Guide (Angelica Clark, artículo).",  # the title as published
            ],
        ),
        (
            "de",
            [
                "Dosisregeln",
                "Eine Dosis von 50 mg oder mehr.",
                "Eine Verbesserung um 50 % oder mehr ist substanziell.",
                "Greift, wenn weniger als 70 % der verordneten Dosen der letzten 14 Tage",
                "Jede Erhöhung wird von Tag 15 bis Tag 42 mit der neuen Dosis",
                "das ganze 95 %-Intervall der Veränderung",
                "Wer LDN nicht nehmen sollte:",
                "A Comprehensive Guide (Angelica Clark, Artikel).",  # the title as published
            ],
        ),
    ],
)
def test_the_rulebook_reads_in_the_clinicians_language(client, carol, language, texts):
    clinician_in(client, carol, language)
    text = visible_text(client.get(reverse("rulebook")).content.decode())
    assert [words for words in texts if words not in text] == []


@pytest.mark.parametrize(
    ("language", "one", "several"),
    [
        (
            "es",
            "Visto por Sam — 3 veces hoy: página del paciente ×2, resumen imprimible",
            "Visto 4 veces por Ada y Sam, de 18 mar 2026 a hoy",
        ),
        (
            "de",
            "Angesehen von Sam — 3-mal heute: Patientenseite ×2, druckbare Zusammenfassung",
            "4-mal angesehen von Ada und Sam, 18. Mär 2026 bis heute",
        ),
    ],
)
def test_the_audit_timelines_reads_read_in_the_clinicians_language(language, one, several):
    at = dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC)
    today = ReadDay(TODAY, "Sam", at, (("patient_page", 2), ("summary", 1)))
    earlier = ReadDay(D(2026, 3, 18), "Ada", at - dt.timedelta(days=2), (("plan", 1),))
    with translation.override(language):
        assert Reads((today,), TODAY).headline == one
        assert Reads((earlier, today), TODAY).headline == several
