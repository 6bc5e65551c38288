"""Reads of the FHIR API: the patient a token may open. (The resources are the export's:
`journal.selectors.fhir`.)"""

from __future__ import annotations

from journal.models import Clinic, Patient

PK_MAX = 2**63 - 1


def api_patient(clinic: Clinic, fhir_id: str) -> Patient | None:
    """The clinic's patient whose Patient resource has the id `fhir_id` (the export writes the
    record's number); None for any other, another clinic's included. One query."""
    if not fhir_id.isascii() or not fhir_id.isdigit() or int(fhir_id) > PK_MAX:
        return None
    return Patient.objects.filter(clinic=clinic, pk=int(fhir_id)).select_related("clinic").first()
