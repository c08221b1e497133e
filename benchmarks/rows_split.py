"""Where a window row's time goes: Qt's own work, SQLite's, and ours (Python).

A row that misses its ratio is, by #28's rule, done when a profile in the same run shows
that the rest is Qt's or SQLite's own work: ``verdict`` says whether our code's time fits
in what the target leaves over the floor. Each action runs in
turn plainly and under cProfile; every C function is put to whom it belongs: a method of a
PySide6 object (a repaint, the event loop, ``setPlainText``, ``setFormats``) is Qt's, a
method of an ``sqlite3`` object is SQLite's, and everything else (our code, the standard
library, the Python functions Qt calls back, such as a model's ``data()``) is ours. The
profiler slows Python calls, not C ones, so ours is also given as the plain median minus
the measured Qt and SQLite time.
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


def _shares(profile: cProfile.Profile) -> dict[str, float]:
    shares = {"qt": 0.0, "sqlite": 0.0, "ours": 0.0}
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    for function, (_calls, _primitive, own, _cumulative, _callers) in stats.items():
        shares[owner(function)] += own
    return shares


def split(actions: dict[str, Callable[[], object]], times: int, turn: int = 2
          ) -> dict[str, dict[str, float]]:
    """For each named action, the median milliseconds per run plainly, and the medians of
    what Qt, SQLite and our code take under the profiler. The actions take turns, each
    ``turn`` runs plainly then as many profiled (a switch goes to one article and back:
    each way is timed both ways); our plain time is each turn's plain time less the Qt and
    SQLite time of the profiled turn next to it, so that a machine's slow minute falls on
    both sides of the difference."""
    turns: dict[str, list[dict[str, float]]] = {name: [] for name in actions}
    for _ in range(max(1, times // turn)):
        for name, action in actions.items():
            start = time.perf_counter()
            for _ in range(turn):
                action()
            plain = 1000 * (time.perf_counter() - start) / turn
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(turn):
                action()
            profile.disable()
            one = {key: 1000 * value / turn for key, value in _shares(profile).items()}
            one["median"] = plain
            one["ours_plain"] = max(0.0, plain - one["qt"] - one["sqlite"])
            turns[name].append(one)
    return {name: {key: statistics.median(t[key] for t in runs) for key in runs[0]}
            for name, runs in turns.items()}


def verdict(app: dict[str, float], floor: dict[str, float], target: float) -> str:
    """Whether what the app takes over ``target`` times the floor is Qt's or SQLite's own
    work (#28's rule): it is when our code's time fits in what the target leaves over the
    floor (``(target - 1) * floor``), so that the row would meet its target if Qt and
    SQLite did no more than the floor's. Told for the plain estimate of our time and for
    the profiled one, which the profiler inflates (an upper bound)."""
    if app["median"] <= target * floor["median"]:
        return "target met"
    room = (target - 1) * floor["median"]
    plain, profiled = app["ours_plain"], app["ours"]
    said = f"ours {plain:.1f} ms (profiled {profiled:.1f}), the target leaves {room:.1f}: "
    if profiled <= room:
        return said + "the rest over the target is Qt's and SQLite's"
    if plain <= room:
        return said + "the rest over the target is Qt's and SQLite's by the plain estimate"
    return said + "not all Qt's and SQLite's"


def print_split(work: str, app: Callable[[], object], floor: Callable[[], object],
                times: int, target: float) -> None:
    """One line for the app and its floor, taking turns ``times`` times, and the verdict."""
    shares = split({"app": app, "floor": floor}, times)
    a, f = shares["app"], shares["floor"]
    print(f"{work:<44} app {a['median']:6.1f} ms = Qt {a['qt']:5.1f} + SQLite "
          f"{a['sqlite']:4.1f} + ours {a['ours_plain']:5.1f} (profiled {a['ours']:5.1f}) | "
          f"floor {f['median']:5.1f} = Qt {f['qt']:5.1f} + SQLite {f['sqlite']:4.1f} | "
          f"{verdict(a, f, target)}", flush=True)
