"""journal.lockout: which failed sign-ins refuse the next attempt, and for how long."""

from __future__ import annotations

import datetime as dt

import pytest

from journal.lockout import RecentFailures, Scope, refusal, username_refusal, wait_words

NOW = dt.datetime(2026, 3, 20, 19, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def ago(*minutes: float) -> list[dt.datetime]:
    return [NOW - minute * MINUTE for minute in minutes]


def failures(pair=(), address=(), username=()) -> RecentFailures:
    return RecentFailures(pair=list(pair), address=list(address), username=list(username))


@pytest.mark.parametrize(
    ("recent", "scope", "until"),
    [
        # this username from this address: the fifth failure in an hour locks until it is an hour old
        (failures(pair=ago(1, 2, 3, 4)), None, None),
        (failures(pair=ago(1, 2, 3, 4, 10)), Scope.PAIR, NOW + 50 * MINUTE),
        (failures(pair=ago(1, 2, 3, 4, 61)), None, None),  # the oldest has left the hour
        # any username from this address: the twentieth
        (failures(address=ago(*range(19))), None, None),
        (failures(address=ago(*range(20))), Scope.ADDRESS, NOW + 41 * MINUTE),
        # this username from anywhere: from the tenth in 15 minutes, 30 seconds after the latest
        (failures(username=ago(*range(1, 10))), None, None),
        (failures(username=ago(0.25, *range(1, 10))), Scope.USERNAME, NOW + dt.timedelta(seconds=15)),
        (failures(username=ago(0.5, *range(1, 10))), None, None),  # 30 seconds have passed
        (failures(username=ago(0.25, *range(10, 19))), None, None),  # most left the 15 minutes
    ],
)
def test_each_rule_refuses_from_its_limit_for_its_time(recent, scope, until):
    found = refusal(recent, NOW, known_browser=False)
    assert (found and found.rule.scope, found and found.until) == (scope, until)


def test_the_rule_that_holds_longest_is_the_answer():
    recent = failures(pair=ago(1, 2, 3, 4, 5), username=ago(0.1, *range(1, 10)))
    assert refusal(recent, NOW, known_browser=False).rule.scope is Scope.PAIR


def test_a_known_browser_is_not_slowed_down_but_still_locked():
    slowed = failures(username=ago(0.1, *range(1, 10)))
    assert refusal(slowed, NOW, known_browser=True) is None
    locked = failures(pair=ago(1, 2, 3, 4, 5))
    assert refusal(locked, NOW, known_browser=True).rule.scope is Scope.PAIR


def test_a_slow_down_is_not_a_lock_and_says_how_long_to_wait():
    found = refusal(failures(username=ago(0.25, *range(1, 10))), NOW, known_browser=False)
    assert not found.is_lock
    assert found.retry_after(NOW) == 15
    assert found.words(NOW).endswith(
        "A browser you have signed in with before is not slowed down. Try again in 15 seconds."
    )


def test_a_lock_says_so_in_minutes():
    found = refusal(failures(pair=ago(1, 2, 3, 4, 10)), NOW, known_browser=False)
    assert found.is_lock
    assert found.words(NOW).endswith("Your clinic's admin can unlock it sooner. Try again in 50 minutes.")
    assert found.state_words(NOW) == "Locked from one address: 50 minutes left."


@pytest.mark.parametrize(
    ("seconds", "words"), [(1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes")]
)
def test_wait_words(seconds, words):
    assert wait_words(seconds) == words


def test_a_username_is_locked_from_one_address_or_slowed_everywhere():
    assert username_refusal({"203.0.113.1": ago(1, 2, 3, 4)}, NOW) is None
    locked = username_refusal({"203.0.113.1": ago(1, 2, 3, 4, 5), "203.0.113.2": ago(1)}, NOW)
    assert locked.rule.scope is Scope.PAIR
    spread = {f"203.0.113.{number}": ago(number / 10) for number in range(1, 11)}
    assert username_refusal(spread, NOW).rule.scope is Scope.USERNAME
