"""The clinic's tokens for its admin's page: each with its state, in one query."""

from __future__ import annotations

import datetime as dt

from journal.selectors.api_tokens import clinic_api_tokens
from journal.services.api_tokens import api_token_create, api_token_revoke
from tests.factories import make_clinician

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def test_the_clinics_tokens_newest_first_with_their_state(ada, charlie, django_assert_num_queries):
    expired = api_token_create(admin=ada, name="Old import", days=1, now=NOW - dt.timedelta(days=5)).token
    revoked = api_token_create(admin=ada, name="Registry", days=30, now=NOW - dt.timedelta(days=2)).token
    api_token_revoke(admin=ada, token=revoked, now=NOW - dt.timedelta(days=1))
    in_force = api_token_create(admin=ada, name="EHR", days=30, now=NOW - dt.timedelta(days=1)).token
    api_token_create(
        admin=make_clinician(charlie.clinic, "otto", admin=True), name="Theirs", days=30, now=NOW
    )
    with django_assert_num_queries(1):
        rows = clinic_api_tokens(ada.clinic, NOW)
        assert [(row.token, row.state, row.revocable) for row in rows] == [
            (in_force, "in_force", True),
            (revoked, "revoked", False),
            (expired, "expired", False),
        ]
        assert [row.token.revoked_by for row in rows] == [None, ada.user, None]
    assert [row.state_words for row in rows] == ["in force", "revoked", "expired"]
