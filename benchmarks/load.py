"""The load generator: a few browser tabs of one session, each a thread sending requests back to
back over a new connection each time (gunicorn's sync workers close every connection), and the
answers per second. Requests to several pages take turns in rounds, so that a change in the
machine's other load falls on all of them alike."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from drills.browser import Answer, Browser


def answered_200(answer: Answer) -> bool:
    return answer.status == 200


@dataclass(frozen=True)
class Target:
    """One kind of request: `send` makes it from a tab (with the tab's number); `right` tells a
    right answer."""

    name: str
    send: Callable[[Browser, int], Answer]
    right: Callable[[Answer], bool] = answered_200


@dataclass(frozen=True)
class Load:
    tabs: int  # requests at once
    seconds: float  # per target and round; each tab sends at least one request
    rounds: int


def rates(browser: Browser, targets: list[Target], load: Load) -> dict[str, float]:
    """Right answers per second for each target. A wrong answer stops the benchmark: a figure
    made of error pages would mean nothing."""
    answered: defaultdict[str, int] = defaultdict(int)
    spent: defaultdict[str, float] = defaultdict(float)
    for _ in range(load.rounds):
        for target in targets:
            count, elapsed = _run(browser, target, load)
            answered[target.name] += count
            spent[target.name] += elapsed
    return {name: answered[name] / spent[name] for name in answered}


def _run(browser: Browser, target: Target, load: Load) -> tuple[int, float]:
    tabs = [browser.copy() for _ in range(load.tabs)]
    started = time.perf_counter()
    deadline = started + load.seconds

    def keep_sending(number: int) -> int:
        count = 0
        while True:
            answer = target.send(tabs[number], number)
            if not target.right(answer):
                raise RuntimeError(f"{target.name} answered {answer.status}: {answer.body[:2000]!r}")
            count += 1
            if time.perf_counter() >= deadline:
                return count

    with ThreadPoolExecutor(load.tabs) as pool:
        counts = list(pool.map(keep_sending, range(load.tabs)))
    return sum(counts), time.perf_counter() - started
