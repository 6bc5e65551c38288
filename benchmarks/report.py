"""The benchmark's lines: each a figure, the baseline it is measured against in the same run, their
ratio, the goal and whether it is met. A figure never fails the run; it is printed."""

from __future__ import annotations

from dataclasses import dataclass

KB = 1000
MB = 1000 * 1000


@dataclass(frozen=True)
class Goal:
    """`figure <relation> limit`, the figure shown in `unit` ("%", "×", " KB", " MB", "")."""

    relation: str  # "≥", "≤" or "="
    limit: float
    unit: str

    def met(self, value: float) -> bool:
        if self.relation == "≥":
            return value >= self.limit
        if self.relation == "≤":
            return value <= self.limit
        return value == self.limit

    def show(self, value: float) -> str:
        if self.unit == "%":
            return f"{value * 100:.0f} %"
        if self.unit == "×":
            return f"{value:.2f}×"
        scale = {" KB": KB, " MB": MB}.get(self.unit, 1)
        return f"{value / scale:,.0f}{self.unit}"

    def __str__(self) -> str:
        return f"{self.relation} {self.show(self.limit)}"


@dataclass(frozen=True)
class Line:
    section: str  # "P1" … "P4"
    what: str
    figure: str
    baseline: str = "—"
    ratio: float | None = None  # figure / baseline, when there is a baseline
    goal: Goal | None = None  # judged on the ratio when there is one, else on `value`
    value: float | None = None

    @property
    def judged(self) -> float | None:
        return self.ratio if self.ratio is not None else self.value

    @property
    def verdict(self) -> str:
        if self.goal is None or self.judged is None:
            return ""
        return "MET" if self.goal.met(self.judged) else "NOT MET"

    @property
    def ratio_text(self) -> str:
        if self.ratio is None:
            return "—"
        return self.goal.show(self.ratio) if self.goal else f"{self.ratio:.2f}×"

    def cells(self) -> list[str]:
        return [
            self.section,
            self.what,
            self.figure,
            self.baseline,
            self.ratio_text,
            str(self.goal or ""),
            self.verdict,
        ]


HEADINGS = ["", "what", "figure", "baseline (same run)", "ratio", "goal", ""]


def table(lines: list[Line]) -> str:
    rows = [HEADINGS, *(line.cells() for line in lines)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADINGS))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    )


def rate(per_second: float) -> str:
    return f"{per_second:,.1f} req/s"


def seconds(value: float) -> str:
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


def size(value: float) -> str:
    return f"{value / MB:,.1f} MB" if value >= MB else f"{value / KB:,.1f} KB"
