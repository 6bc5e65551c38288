"""Failed sign-ins, and when they refuse the next attempt.

A failure is a wrong password or a wrong two-factor code, counted by the username typed and
the client's address (journal.access.client_address: the real client behind the trusted
proxies, not the proxy). Three rules:

- this username from this address: 5 failures in an hour lock the pair for up to an hour
  (a clinic admin can unlock it sooner);
- this address, whatever the username: 20 failures in an hour lock the address for up to an
  hour, so one address cannot try many usernames;
- this username from any address: after 10 failures in 15 minutes, its sign-ins are slowed
  to one every 30 seconds. Slowed, never locked: an attacker with many addresses must not
  be able to lock a clinician out for an hour. A browser that has signed in as this user
  before is not slowed at all.

A refused attempt is not a failure (it is not checked, so nothing is learned from it), so a
person who keeps retrying does not extend their own wait.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from journal.wording import gettext as _
from journal.wording import gettext_noop, ngettext


class Scope(enum.Enum):
    """What a rule counts, and, in words for a clinic admin, what it does to a login."""

    PAIR = "Locked from one address"
    ADDRESS = "Every sign-in from one address locked"
    USERNAME = "Slowed down to one try every 30 seconds, from every address"

    @property
    def words(self) -> str:
        return _(SCOPE_WORDS[self])


SCOPE_WORDS = {
    Scope.PAIR: gettext_noop("Locked from one address"),
    Scope.ADDRESS: gettext_noop("Every sign-in from one address locked"),
    Scope.USERNAME: gettext_noop("Slowed down to one try every 30 seconds, from every address"),
}


@dataclass(frozen=True)
class Rule:
    scope: Scope
    failures: int
    window: dt.timedelta
    # None: refused until the failures leave the window (a lock); else: refused for this long
    # after the latest failure (a throttle).
    spacing: dt.timedelta | None
    message: str


RULES = (
    Rule(
        Scope.PAIR,
        5,
        dt.timedelta(hours=1),
        None,
        gettext_noop(
            "Too many wrong passwords for this username from your network: signing in with it from "
            "here is locked for up to an hour. Your clinic's admin can unlock it sooner."
        ),
    ),
    Rule(
        Scope.ADDRESS,
        20,
        dt.timedelta(hours=1),
        None,
        gettext_noop(
            "Too many failed sign-ins from your network: signing in from here is locked for up to an hour."
        ),
    ),
    Rule(
        Scope.USERNAME,
        10,
        dt.timedelta(minutes=15),
        dt.timedelta(seconds=30),
        gettext_noop(
            "Many wrong passwords have been tried for this username, so its sign-ins are slowed down "
            "to one every 30 seconds. A browser you have signed in with before is not slowed down."
        ),
    ),
)
LONGEST_WINDOW = max(rule.window for rule in RULES)


@dataclass(frozen=True)
class RecentFailures:
    """The times of recent failures, newest first: of this username from this address, of
    anyone from this address, and of this username from anywhere."""

    pair: Sequence[dt.datetime]
    address: Sequence[dt.datetime]
    username: Sequence[dt.datetime]

    def of(self, scope: Scope) -> Sequence[dt.datetime]:
        return {Scope.PAIR: self.pair, Scope.ADDRESS: self.address, Scope.USERNAME: self.username}[scope]


@dataclass(frozen=True)
class Refusal:
    rule: Rule
    until: dt.datetime

    @property
    def is_lock(self) -> bool:
        return self.rule.spacing is None

    def retry_after(self, now: dt.datetime) -> int:
        """Whole seconds to wait (for the Retry-After header), at least 1."""
        return max(1, math.ceil((self.until - now).total_seconds()))

    def words(self, now: dt.datetime) -> str:
        """For the person signing in."""
        return _("%(message)s Try again in %(wait)s.") % {
            "message": _(self.rule.message),
            "wait": wait_words(self.retry_after(now)),
        }

    def state_words(self, now: dt.datetime) -> str:
        """For a clinic admin, about someone else's login."""
        return _("%(scope)s: %(wait)s left.") % {
            "scope": self.rule.scope.words,
            "wait": wait_words(self.retry_after(now)),
        }


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def refusal(failures: RecentFailures, now: dt.datetime, *, known_browser: bool) -> Refusal | None:
    """Whether the next attempt is refused, by the rule that holds it longest; None if it may go on."""
    found = [
        found
        for rule in RULES
        if not (rule.scope is Scope.USERNAME and known_browser)
        and (found := _refusal_by(rule, failures.of(rule.scope), now)) is not None
    ]
    return max(found, key=lambda found: found.until, default=None)


def _refusal_by(rule: Rule, times: Sequence[dt.datetime], now: dt.datetime) -> Refusal | None:
    recent = sorted((time for time in times if time > now - rule.window), reverse=True)
    if len(recent) < rule.failures:
        return None
    until = recent[0] + rule.spacing if rule.spacing is not None else recent[rule.failures - 1] + rule.window
    return Refusal(rule, until) if until > now else None


def username_refusal(by_address: Mapping[str, Sequence[dt.datetime]], now: dt.datetime) -> Refusal | None:
    """Whether a username is locked from some address or slowed down everywhere: what a clinic
    admin sees, and can unlock. `by_address`: the username's failure times at each address."""
    everywhere = [time for times in by_address.values() for time in times]
    found = [
        found
        for times in by_address.values()
        if (found := refusal(RecentFailures(times, (), everywhere), now, known_browser=False))
    ]
    return max(found, key=lambda found: found.until, default=None)
