"""A process's memory from Linux's /proc: resident now, and the peak since it was last reset."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path


def resident(pid: int | str = "self") -> int:
    """Bytes resident now (VmRSS)."""
    return _status(pid, "VmRSS")


def peak(pid: int | str = "self") -> int:
    """The most bytes resident since the process started or `reset_peak` (VmHWM)."""
    return _status(pid, "VmHWM")


def reset_peak(pid: int | str = "self") -> None:
    """Starts the peak again from what is resident now (Linux 4.0 and later)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _status(pid: int | str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise LookupError(f"no {field} in /proc/{pid}/status")


class PeakWatch:
    """The peaks of other processes (a server's workers), read every `interval` seconds while in
    the `with` block and once at its end: a worker killed on the way keeps its last peak seen."""

    def __init__(self, pids: list[int], interval: float = 0.2):
        self.before = {pid: resident(pid) for pid in pids}
        self.seen = dict(self.before)
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> PeakWatch:
        for pid in self.before:
            reset_peak(pid)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._read()

    @property
    def growth(self) -> int:
        """The largest growth of a worker's peak over what it held before."""
        return max(self.seen[pid] - self.before[pid] for pid in self.before)

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self._read()

    def _read(self) -> None:
        for pid in self.before:
            with contextlib.suppress(OSError, LookupError):  # the worker is gone
                self.seen[pid] = max(self.seen[pid], peak(pid))
