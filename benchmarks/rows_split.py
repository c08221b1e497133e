"""Where a window row's time goes: Qt's own work, SQLite's, and ours (Python).

A row that misses its ratio is, by #28's rule, done when a profile in the same run shows
that the rest is Qt's or SQLite's own work. Each action here runs again under cProfile;
every C function is put to whom it belongs: a method of a PySide6 object (a repaint, the
event loop, ``setPlainText``, ``setFormats``) is Qt's, a method of an ``sqlite3`` object is
SQLite's, and everything else (our code, the standard library, the Python functions Qt
calls back, such as a model's ``data()``) is ours. The profiler slows Python calls, not C
ones, so ours is also given as the plain median minus the measured Qt and SQLite time.
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
from collections.abc import Callable

QT_BUILTINS = {"<built-in method processEvents>", "<built-in method sendPostedEvents>"}


def owner(function: tuple[str, int, str]) -> str:
    """"qt", "sqlite" or "ours" for one entry of a cProfile table."""
    filename, _line, name = function
    if filename != "~":
        return "ours"
    if "sqlite3" in name:
        return "sqlite"
    if "PySide6" in name or "shiboken" in name.lower() or name in QT_BUILTINS:
        return "qt"
    return "ours"


def split(action: Callable[[], object], times: int) -> dict[str, float]:
    """The median milliseconds of ``action`` run plainly, and the milliseconds per run
    that Qt, SQLite and our code take under the profiler."""
    plain = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        plain.append(time.perf_counter() - start)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(times):
        action()
    profile.disable()
    shares = {"qt": 0.0, "sqlite": 0.0, "ours": 0.0}
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    for function, (_calls, _primitive, own, _cumulative, _callers) in stats.items():
        shares[owner(function)] += own
    result = {name: 1000 * value / times for name, value in shares.items()}
    result["median"] = 1000 * statistics.median(plain)
    result["ours_plain"] = max(0.0, result["median"] - result["qt"] - result["sqlite"])
    return result


def print_split(work: str, app: Callable[[], object], floor: Callable[[], object],
                times: int) -> None:
    """One line each for the app and its floor, alternating whole runs of ``times``."""
    a = split(app, times)
    f = split(floor, times)
    extra = a["ours"] + max(0.0, a["sqlite"] - f["sqlite"])  # the profiled: an upper bound
    print(f"{work:<44} app {a['median']:6.1f} ms = Qt {a['qt']:5.1f} + SQLite "
          f"{a['sqlite']:4.1f} + ours {a['ours_plain']:5.1f} (profiled {a['ours']:5.1f}) | "
          f"floor {f['median']:5.1f} = Qt {f['qt']:5.1f} + SQLite {f['sqlite']:4.1f} | "
          f"ours and SQLite beyond the floor: at most {extra / f['median']:.2f}× the floor",
          flush=True)
