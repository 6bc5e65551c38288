"""The patient a token may open: its own clinic's, by the Patient resource's id."""

from __future__ import annotations

import pytest

from journal.selectors.fhir_api import api_patient


def test_a_patient_of_the_clinic_by_the_resources_id(clinic, alice, dave, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert api_patient(clinic, str(alice.pk)) == alice
    assert api_patient(clinic, str(dave.pk)) is None  # another clinic's
    assert api_patient(dave.clinic, str(dave.pk)) == dave


@pytest.mark.parametrize("fhir_id", ["", "abc", "1.5", "-1", str(2**63), "9" * 64, "１"])
def test_any_other_id_is_no_patient(clinic, alice, fhir_id, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert api_patient(clinic, fhir_id) is None
