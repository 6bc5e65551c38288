"""Shared people and fixtures for every test.

Clinic A: patients alice and bob, clinician carol (assigned to alice), clinic admin ada.
Clinic B: clinician charlie and patient dave, who must see nothing of clinic A's.

The clock: a module names its moment once and every test in it runs at that moment,

    NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)
    pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]

or, without `usefixtures`, only the tests (and fixtures) that ask for `frozen`.
"""

from __future__ import annotations

import pytest
import time_machine

from journal.catalogue import load_catalogue, load_lab_tests
from journal.models import Condition, LabTest, Symptom
from tests.factories import make_caregiver, make_clinic, make_clinician, make_patient
from tests.fuzz.harness import TALLY


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "frozen_at(moment): the moment the `frozen` fixture holds the clock at (no ticking)"
    )


# --- the fuzz suite's figures (tests/fuzz), printed once after the run -----------------------
# Under pytest-xdist (`make test`) each worker fuzzes some URLs: it hands its tally to the
# controller, which adds them up and prints them. These hooks live here, not in
# tests/fuzz/conftest.py, because the xdist controller loads only this conftest.


def pytest_sessionfinish(session):
    if (handed := getattr(session.config, "workeroutput", None)) is not None:
        handed["fuzz_tally"] = TALLY.plain()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    if tally := getattr(node, "workeroutput", {}).get("fuzz_tally"):
        TALLY.add(tally)


def pytest_terminal_summary(terminalreporter):
    if not TALLY.payloads and not TALLY.paths:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("-", "fuzz figures")
    write(
        f"payloads tried: {TALLY.payloads.total()} posted to {len(TALLY.payloads)} form endpoints, "
        f"plus {TALLY.paths.total()} URL parameters on {len(TALLY.paths)} URLs"
    )
    errors = ", ".join(f"{key} {count}" for key, count in sorted(TALLY.server_errors.items()))
    write(f"500s: {TALLY.server_errors.total()}" + (f" ({errors})" if errors else ""))
    invalid = ", ".join(f"{key} {count}" for key, count in sorted(TALLY.invalid_rows.items()))
    write(f"invalid rows: {TALLY.invalid_rows.total()}" + (f" ({invalid})" if invalid else ""))
    for key, failures in sorted(TALLY.failures.items()):
        for failure, what in sorted(failures.items()):
            write(f"  {key}: {failure}\n      {what[:300]}")


@pytest.fixture
def frozen(request):
    """The clock held still at the moment of the closest `frozen_at` mark (the test's, its
    class's or its module's); yields that moment."""
    marker = request.node.get_closest_marker("frozen_at")
    if marker is None:
        pytest.fail("the `frozen` fixture needs a moment: mark the test or module frozen_at(moment)")
    (moment,) = marker.args
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_append_only():
    """A transactional test empties the database when it ends (Django's flush: DELETE on SQLite,
    TRUNCATE on PostgreSQL), which the audit tables' triggers refuse; lift them for the flush
    and put them back in the same transaction. The flush empties the migration-seeded catalogue
    too: it is loaded again at once, so whichever test runs next finds it."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from journal.append_only import guard_statements, lift_statements

    flush = BaseDatabaseOperations.execute_sql_flush

    def flush_around_the_triggers(self, sql_list):
        vendor = self.connection.vendor
        flush(self, [*lift_statements(vendor), *sql_list, *guard_statements(vendor)])
        load_catalogue(Condition, Symptom)
        load_lab_tests(LabTest)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", flush_around_the_triggers)
        yield


@pytest.fixture(autouse=True)
def _export_root(settings, tmp_path):
    """Each test's clinic exports go to its own folder, never the project's data folder."""
    settings.EXPORT_ROOT = tmp_path / "exports"


@pytest.fixture
def clinic(db):
    return make_clinic("Clinic A", time_zone="Europe/London")


@pytest.fixture
def other_clinic(db):
    return make_clinic("Clinic B")


@pytest.fixture
def carol(clinic):
    return make_clinician(clinic, "carol")


@pytest.fixture
def ada(clinic):
    return make_clinician(clinic, "ada", admin=True)


@pytest.fixture
def charlie(other_clinic):
    return make_clinician(other_clinic, "charlie")


@pytest.fixture
def alice(clinic, carol):
    return make_patient(clinic, "alice", clinicians=(carol,), time_zone="Europe/London")


@pytest.fixture
def gina(alice, carol):
    """Alice's caregiver (a parent who logs for her), signed up: Carol invited her."""
    return make_caregiver(alice, carol, "gina")


@pytest.fixture
def newcomer(alice):
    """Alice signing in for the first time: the introduction not read yet (every other patient
    with a login has read it, tests/factories.py)."""
    alice.introduced_at = None
    alice.save(update_fields=["introduced_at"])
    return alice


@pytest.fixture
def bob(clinic):
    return make_patient(clinic, "bob")


@pytest.fixture
def dave(other_clinic, charlie):
    return make_patient(other_clinic, "dave", clinicians=(charlie,))


@pytest.fixture
def mail_server_down(settings):
    """Invitation mail on, and the mail server refuses connections (a local port nothing listens on)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.SEND_INVITATION_EMAILS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port


@pytest.fixture
def postgres():
    """Skip (or, with REQUIRE_POSTGRES=1 as in CI, fail) unless the tests run on PostgreSQL."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL: run with DATABASE_URL=postgres://… (.ci/run does)"
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"REQUIRE_POSTGRES is set but {reason}")
        pytest.skip(reason)
