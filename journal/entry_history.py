"""What changed when a patient edited a daily entry, from the kept versions.

django-simple-history keeps every saved version of an entry and of each of its scores;
this turns consecutive versions into readable changes ("Pain: 4 → 2") for the clinician.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from journal.wording import as_phrase, gettext_noop

ENTRY_FIELDS = {
    "dose_taken": as_phrase(gettext_noop("Dose taken")),
    "dose_mg": as_phrase(gettext_noop("Dose (mg)")),
    "timing_taken": as_phrase(gettext_noop("Timing")),
    "time_taken": as_phrase(gettext_noop("Clock time")),
    "sleep_quality": as_phrase(gettext_noop("Sleep quality")),
    "notes": as_phrase(gettext_noop("Notes")),
    "logged_by": as_phrase(gettext_noop("Logged by")),
}


@dataclass(frozen=True)
class Version:
    """One saved state: of the entry itself (`values` over ENTRY_FIELDS) or of one score
    (`values` = {"score": n}, `removed` when the score was taken out)."""

    saved_at: dt.datetime
    subject: str  # "entry" or a symptom's name
    values: Mapping[str, object]
    removed: bool = False


@dataclass(frozen=True)
class Change:
    saved_at: dt.datetime
    what: str
    before: str
    after: str


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return as_phrase(gettext_noop("yes")) if value else as_phrase(gettext_noop("no"))
    return str(value)


def _entry_changes(versions: list[Version]) -> Iterable[Change]:
    for older, newer in zip(versions, versions[1:], strict=False):
        for field, label in ENTRY_FIELDS.items():
            if older.values.get(field) != newer.values.get(field):
                yield Change(
                    newer.saved_at, label, _shown(older.values.get(field)), _shown(newer.values.get(field))
                )


def _score_changes(subject: str, versions: list[Version]) -> Iterable[Change]:
    previous: Version | None = None
    for version in versions:
        before = "—" if previous is None or previous.removed else _shown(previous.values["score"])
        after = "—" if version.removed else _shown(version.values["score"])
        if previous is not None and before != after:
            yield Change(version.saved_at, subject, before, after)
        previous = version


def entry_changes(versions: Iterable[Version], created_at: dt.datetime) -> list[Change]:
    """Every change made after the entry was first saved (at `created_at`), oldest first.
    A score first given in a later save counts as a change from "—"."""
    by_subject: dict[str, list[Version]] = defaultdict(list)
    for version in sorted(versions, key=lambda version: version.saved_at):
        by_subject[version.subject].append(version)
    changes = list(_entry_changes(by_subject.pop("entry", [])))
    for subject, subject_versions in by_subject.items():
        if subject_versions[0].saved_at > created_at + FIRST_SAVE_SPAN:
            subject_versions.insert(0, Version(created_at, subject, {}, removed=True))
        changes.extend(_score_changes(subject, subject_versions))
    return sorted(changes, key=lambda change: change.saved_at)


# The entry and its scores are written in one transaction, a moment apart.
FIRST_SAVE_SPAN = dt.timedelta(seconds=5)
