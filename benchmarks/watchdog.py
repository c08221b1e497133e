"""Where a blocked window spends its time: while a timed turn of the event loop runs, a
thread looks at the UI thread's Python stack every 5 ms; a turn that passes ``threshold``
keeps its samples, and ``report`` prints the lines the slow turns were in most often.

This is how an outlier is explained instead of guessed at: SQLite, a repaint and the
garbage collector each leave a different stack (a repaint or a collection shows the Qt or
Python call that caused it). A slow turn also says how its time divides (Linux): how long
the UI thread ran, how long it was ready but waited for a CPU (the machine was busy), and
the rest, when it waited for something (the disk, a lock, the GIL); and how much time the
host took from this machine's CPUs meanwhile ("steal"). Few samples in a long turn mean the
sampler, which needs the GIL and a CPU too, could not run either."""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import Counter


class Watchdog:
    def __init__(self, threshold: float = 0.08, every: float = 0.005) -> None:
        self.threshold, self.every = threshold, every
        self.main = threading.main_thread().ident
        self.started: float | None = None
        self.samples: list[str] = []
        self.slow: list[tuple[str, float, Counter[str], str]] = []  # (work, s, places, split)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            started = self.started
            if started is None or time.perf_counter() - started < self.threshold / 2:
                continue
            frame = sys._current_frames().get(self.main)  # noqa: SLF001 - the tool for this
            if frame is not None:
                stack = traceback.extract_stack(frame)
                mine = [f for f in stack if "annotator" in f.filename] or stack
                inner = mine[-1]
                self.samples.append(f"{inner.filename.rsplit('/', 2)[-1]}:{inner.lineno} "
                                    f"{inner.name} ← {stack[-1].name}")

    def turn(self, work: str, action: object) -> float:
        """Run ``action`` as one timed turn; returns its seconds."""
        self.samples = []
        before = _times()
        self.started = time.perf_counter()
        try:
            action()  # type: ignore[operator]
        finally:
            seconds = time.perf_counter() - self.started
            self.started = None
        if seconds >= self.threshold:
            after = _times()
            ran, ready, steal = (b - a for a, b in zip(before, after, strict=True))
            split = (f"ran {ran * 1000:.0f} ms, ready for a CPU {ready * 1000:.0f}, waited "
                     f"{max(seconds - ran - ready, 0) * 1000:.0f}; steal {steal * 1000:.0f}"
                     if ran or ready else "")
            self.slow.append((work, seconds, Counter(self.samples), split))
        return seconds

    def report(self) -> None:
        for work, seconds, places, split in sorted(self.slow, key=lambda s: -s[1])[:8]:
            where = "; ".join(f"{place} ×{n}" for place, n in places.most_common(3))
            print(f"    slow turn: {work}, {seconds * 1000:.0f} ms ({split or 'no split'}): "
                  f"{where or 'no sample'}", flush=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


_TICK = 1 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01


def _times() -> tuple[float, float, float]:
    """Seconds this thread has run and has waited ready for a CPU, and the seconds the host
    has stolen from all CPUs; zeros where the system does not say (not Linux)."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as stat:
            ran_ns, ready_ns = (int(v) for v in stat.read().split()[:2])
        with open("/proc/stat", encoding="ascii") as stat:
            steal = int(stat.readline().split()[8]) * _TICK
    except (OSError, ValueError, IndexError):
        return 0.0, 0.0, 0.0
    return ran_ns / 1e9, ready_ns / 1e9, steal
