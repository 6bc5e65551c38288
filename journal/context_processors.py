from __future__ import annotations

from journal.access import caregiving_of
from journal.caregiving import logging_for_words
from journal.offline import offline_key


def roles(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else "anonymous"
    caregiver = caregiving_of(request) if role == "caregiver" else None
    return {
        "role": role,
        "offline_key": offline_key(user) if role == "patient" else "",
        # A caregiver's every page says whose journal it is.
        "logging_for": logging_for_words(caregiver.patient.name) if caregiver is not None else "",
    }
