"""Where a window action's time goes, sampled: Linux ``perf`` on the window's thread alone,
each sample put to the library it fell in (Qt and its libraries, SQLite, the Python
interpreter, the kernel, the C library), for the switch and add-a-span rows of
``run.py``'s ``bench_window`` and their floors.

``rows_split`` measures the same split with cProfile, which slows every Python call: its
"ours" is an upper bound, and its plain estimate a difference of medians. Sampling slows
nothing much and needs no difference. The interpreter's share is our code's (and the
Python that Qt calls back, such as a model's ``data()``), and also the loop that drives it
and the garbage collector: an upper bound too, a tighter one.

    python benchmarks/perf_split.py COPY.annotator [--spans 200] [--turns 150]

It adds spans to the project (up to ``--spans`` in one article, and one per added span):
give it a copy. Needs ``perf`` and permission to use it (root, or perf_event_paranoid ≤ 1).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

GROUPS = {  # a library's name (lower case) holds one of these: whose it is
    "Qt": ("qt6", "pyside", "shiboken", "qtcore.abi3", "qtgui.abi3", "qtwidgets.abi3",
           "freetype", "harfbuzz", "fontconfig", "libpng", "libz", "icu", "glib", "pcre",
           "xcb", "x11", "qoffscreen", "libstdc++"),
    "SQLite": ("sqlite",),
    "Python": ("python",),
    "kernel": ("kernel", "vdso"),
}


def group_of(library: str) -> str:
    name = library.lower()
    return next((group for group, marks in GROUPS.items() if any(m in name for m in marks)),
                "C library and other")


def sampled(action: Any, turns: int, out: Path) -> tuple[float, float, dict[str, float]]:
    """(wall ms per turn, the thread's CPU ms per turn, each group's share of the samples)."""
    for _ in range(10):
        action()
    perf = subprocess.Popen(["perf", "record", "-q", "-F", "4000", "-t",
                             str(threading.get_native_id()), "-o", str(out)],
                            stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # perf is attached
    wall, cpu = time.perf_counter(), time.thread_time()
    for _ in range(turns):
        action()
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    perf.send_signal(signal.SIGINT)
    perf.wait()
    report = subprocess.run(["perf", "report", "-i", str(out), "--sort", "dso", "--stdio",
                             "-q"], capture_output=True, text=True, check=True).stdout
    shares: dict[str, float] = {}
    for line in report.splitlines():
        if m := re.match(r"\s*([\d.]+)%\s+(\S+)", line):
            group = group_of(m.group(2))
            shares[group] = shares.get(group, 0.0) + float(m.group(1)) / 100
    return wall / turns * 1000, cpu / turns * 1000, shares


def describe(wall: float, cpu: float, shares: dict[str, float]) -> str:
    parts = " + ".join(f"{group} {cpu * share:.1f}" for group, share in sorted(
        shares.items(), key=lambda item: -item[1]))
    return f"{wall:5.1f} ms (on the CPU {cpu:4.1f} = {parts})"


def main() -> None:
    from PySide6.QtWidgets import QApplication

    from annotator.storage import Project
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.window.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--spans", type=int, default=200)
    parser.add_argument("--turns", type=int, default=150)
    args = parser.parse_args()
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp()  # its backups go with the run
    app = QApplication([])
    project = Project.open(args.project)
    window = MainWindow(project, "ana", Settings())
    window.resize(1366, 740)
    window.show()
    app.processEvents()
    for thread in threading.enumerate():
        if thread.name == "backup":
            thread.join()
    ids = project.all_document_ids()
    doc, other = ids[args.spans % len(ids)], ids[(args.spans + 1) % len(ids)]
    text = project.document(doc).text
    rng = random.Random(3)
    with project.transaction():
        for _ in range(args.spans - len(project.spans(doc, "ana"))):
            start = rng.randrange(0, max(1, len(text) - 90))
            project.add_span(doc, "ana", "speaker", start, start + rng.randrange(1, 80))
    texts = itertools.cycle([project.document(other).text, text])
    switches = itertools.cycle([other, doc])
    positions = itertools.count(10, 7)
    conn = project.db.conn  # type: ignore[attr-defined]

    def painted() -> None:
        window.repaint()
        app.processEvents()

    def floor_switch() -> None:
        window.view.setPlainText(next(texts))
        painted()

    def app_switch() -> None:
        window.show_document(next(switches))
        painted()

    def floor_add() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE documents SET imported_at = imported_at WHERE id = ?", [doc])
        conn.execute("COMMIT")
        painted()

    def app_add() -> None:
        start = next(positions) % (len(text) - 20)
        window.view.select_range(start, start + 4)
        window.coding.code("speaker", None)
        painted()

    target = 1.5 if args.spans <= 200 else 2.0
    folder = Path(tempfile.mkdtemp())
    for work, floor, ours, goal in (("switch", floor_switch, app_switch, target),
                                    ("add a span", floor_add, app_add, 1.5)):
        window.show_document(doc)
        f = sampled(floor, args.turns, folder / "floor.data")
        a = sampled(ours, args.turns, folder / "app.data")
        python = a[1] * a[2].get("Python", 0.0)
        print(f"{work} ({args.spans:,} spans): app {describe(*a)}", flush=True)
        print(f"{'':>{len(work) + 16}}floor {describe(*f)}", flush=True)
        print(f"{'':>{len(work) + 16}}ratio {a[0] / f[0]:.2f}; the interpreter (ours, at "
              f"most) {python:.1f} ms, the target leaves {(goal - 1) * f[0]:.1f}", flush=True)
    window.close()


if __name__ == "__main__":
    main()
