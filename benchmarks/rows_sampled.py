"""Where a window row's time goes, sampled: a second opinion on ``rows_split`` that does not
slow Python.

``rows_split`` profiles with cProfile, which adds a fixed cost to every Python call: our
code, made of many small calls, is inflated (its "profiled" figure is an upper bound) and
its "plain" figure is a difference of two measurements. Here py-spy (``pip install
py-spy``) samples the running window from outside, 20 times a second, with the native
frames, while ``window_loop.py`` repeats one action for a while (at 20 Hz the samples cost
the loop nothing measurable: 21.5 ms a switch sampled, 22.5 not; at 50 Hz and more it is
slowed by a third and more). Each sample of the window's thread, taken inside the action,
goes to the innermost frame that is not the C library's:

- **Qt**: Qt's own libraries and what they call to draw text (FreeType, fontconfig, GLib);
- **SQLite**: the SQLite library and Python's ``sqlite3`` module;
- **bindings**: PySide6 and Shiboken, the glue that carries each call between Qt and
  Python (a model's ``data()`` called by a view, a virtual method looked up for a
  Python subclass, a Python call to a Qt method);
- **ours**: Python: our code, the standard library, the interpreter's built-ins.

It replaces ``perf_split.py`` (Linux perf on the window's thread, by library), which put
PySide's glue to Qt, counted the loop that drives the action with our code, and needed perf
and the right to use it.

The bindings are counted with ours in the verdict: they are there because our models and
widgets are Python, and the floor (a bare text set in a ``QTextEdit``) has few of them.
"""

from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

RATE = 20  # samples a second: enough over a minute, and nothing the loop feels
QT_LIBRARIES = ("libQt6", "libfreetype", "libfontconfig", "libglib", "libqoffscreen",
                "libqxcb", "libxcb", "libX", "libharfbuzz", "libpng", "libexpat", "libicu",
                "libpcre", "libdouble-conversion", "libgthread", "libz.so")
BINDINGS = ("PySide6/", "shiboken6/", "libpyside6", "libshiboken6")
SYSTEM = ("libc.so", "ld-linux", "libm.so", "libpthread", "libgcc_s", "libstdc++", "linux-vdso",
          "[vdso]")
SQLITE_MODULE = ("cursor.c", "connection.c", "statement.c", "row.c", "blob.c",
                 "microprotocols.c")
_FRAME = re.compile(r"^(.*) \(([^()]*)\)$")
OWNERS = ("qt", "sqlite", "bindings", "ours")


def owner(frame: str) -> str | None:
    """Whose one frame of a py-spy raw stack is ("qt", "sqlite", "bindings", "ours"), or
    None for the C library's, which is put to whoever called it."""
    found = _FRAME.match(frame)
    if not found:
        return "ours"
    symbol, where = found.groups()
    if where.endswith(".py") or re.search(r"\.py:\d+$", where) or where.startswith("<"):
        return "ours"  # a Python frame: ``name (path.py:line)``, ``<frozen ...>``, ``<string>``
    if "sqlite" in where or "sqlite" in symbol or where.split(":")[0] in SQLITE_MODULE:
        return "sqlite"
    if any(name in where for name in QT_LIBRARIES):
        return "qt"
    if any(name in where for name in BINDINGS):
        return "bindings"
    if any(name in where for name in SYSTEM):
        return None
    return "ours"  # the interpreter (libpython, a built-in's C file) or an unknown library


def shares(raw: Iterable[str], action: str) -> collections.Counter[str]:
    """Samples per owner, from py-spy's raw output (``thread (id): name;frame;…;leaf
    count`` per line, with ``--threads``), of the main thread inside ``action`` (a
    frame of the function ``action`` on the stack)."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw:
        stack, _, number = line.rstrip("\n").rpartition(" ")
        frames = stack.split(";")
        if not frames or "MainThread" not in frames[0] or not any(
                _function(f) == action for f in frames):
            continue
        whose = "ours"
        for frame in reversed(frames[1:]):
            if (found := owner(frame)) is not None:
                whose = found
                break
        counts[whose] += int(number)
    return counts


def _function(frame: str) -> str:
    """A frame's function without its class or enclosing function (py-spy names a nested
    function ``actions.<locals>.app_switch``)."""
    return frame.partition(" (")[0].rpartition(".")[2]


def py_spy() -> str | None:
    """The py-spy command beside this Python, or on the PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def sample(path: Path, count: int, action: str, seconds: float
           ) -> tuple[collections.Counter[str], str]:
    """The shares of one action of ``window_loop.py`` run for ``seconds`` under py-spy, and
    what the loop printed (or why there are no samples)."""
    command = py_spy()
    if command is None:
        return collections.Counter(), "py-spy is not installed (pip install py-spy)"
    with tempfile.TemporaryDirectory() as name:
        out = Path(name) / "raw.txt"
        proc = subprocess.run(
            [command, "record", "--native", "--threads", "--format", "raw", "--rate",
             str(RATE), "--output", str(out), "--", sys.executable,
             str(Path(__file__).with_name("window_loop.py")), str(path), str(count), action,
             str(seconds)], capture_output=True, text=True, timeout=seconds + 600)
        if proc.returncode != 0 or not out.exists():
            said = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return collections.Counter(), f"py-spy failed: {said}"
        said = next((line for line in proc.stdout.splitlines() if line.startswith("turns")),
                    "the loop printed nothing")
        with out.open(encoding="utf-8", errors="replace") as raw:
            return shares(raw, action), said


def verdict(app: dict[str, float], floor_median: float, target: float) -> str:
    """#28's rule with the sampled shares (milliseconds of the app's median turn): the rest
    over the target is Qt's and SQLite's when our time fits in what the target leaves over
    the floor; said for ours with the bindings (the strict reading) and, failing that, for
    our Python alone."""
    if app["median"] <= target * floor_median:
        return "target met"
    room = (target - 1) * floor_median
    mine, python = app["ours"] + app["bindings"], app["ours"]
    said = (f"ours {python:.1f} ms, with the bindings {mine:.1f}; the target leaves "
            f"{room:.1f}: ")
    if mine <= room:
        return said + "the rest over the target is Qt's and SQLite's"
    if python <= room:
        return said + "the rest over the target is Qt's, SQLite's and the bindings'"
    return said + "not all Qt's and SQLite's"


def in_ms(counts: collections.Counter[str], median_ms: float) -> dict[str, float]:
    """Each owner's share of a turn of ``median_ms``, in milliseconds."""
    total = sum(counts.values())
    return {key: median_ms * counts[key] / total for key in OWNERS} | {"median": median_ms}


def print_sampled(work: str, path: Path, count: int, app: str, floor: str, app_ms: float,
                  floor_ms: float, target: float, seconds: float) -> None:
    """One line: the app's and the floor's median turns (from the timed row) divided by
    their samples, and the verdict."""
    app_counts, app_said = sample(path, count, app, seconds)
    floor_counts, floor_said = sample(path, count, floor, seconds)
    if not app_counts or not floor_counts:
        print(f"{work:<44} (not sampled: {app_said if not app_counts else floor_said})",
              flush=True)
        return
    a, f = in_ms(app_counts, app_ms), in_ms(floor_counts, floor_ms)
    print(f"{work:<44} app {app_ms:6.1f} ms = Qt {a['qt']:5.1f} + SQLite {a['sqlite']:4.1f} "
          f"+ bindings {a['bindings']:4.1f} + ours {a['ours']:4.1f} | floor {floor_ms:5.1f} = "
          f"Qt {f['qt']:5.1f} + SQLite {f['sqlite']:4.1f} + bindings {f['bindings']:4.1f} + "
          f"ours {f['ours']:4.1f} | {sum(app_counts.values())} and "
          f"{sum(floor_counts.values())} samples | {verdict(a, floor_ms, target)}", flush=True)
