"""The rows that need a whole coded corpus or a process of their own: a million spans
exported, agreement against the krippendorff package with its peak memory, the window's
memory at 100,000 documents, and the longest time the window blocks per action."""

from __future__ import annotations

import csv
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import ROOT, audit, memory, pairs, row
from watchdog import Watchdog

SPANS_PER_DOCUMENT = 10  # two coders × five: 100,000 documents make the million
AGREEMENT_DOCS = 10_000


def add_coding(path: Path, docs: list[tuple[str, str]]) -> int:
    """Two coders' spans and statuses on every document, written straight to the table (a
    million through the window would take hours; the window rows time that path)."""
    rng = random.Random(11)
    conn = sqlite3.connect(path)
    conn.execute("INSERT OR IGNORE INTO coders (name, created_at) VALUES ('ana', 't'), "
                 "('ben', 't')")
    coders = [r[0] for r in conn.execute("SELECT id FROM coders WHERE name IN ('ana', 'ben')")]
    ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY id")]
    spans, statuses = [], []
    for doc_id, (_title, text) in zip(ids, docs, strict=True):
        for coder in coders:
            for _ in range(SPANS_PER_DOCUMENT // 2):
                start = rng.randrange(0, len(text) - 60)
                end = start + rng.randrange(1, 60)
                spans.append((str(uuid.UUID(int=rng.getrandbits(128))), doc_id, coder,
                               "speaker", None, start, end, text[start:end],
                               '{"actor": "putin"}', "t", "t"))
            statuses.append((doc_id, coder, "done", "t"))
    with conn:
        conn.executemany("INSERT INTO spans (id, document_id, coder_id, category, label, "
                         "start_offset, end_offset, text, attributes, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", spans)
        conn.executemany("INSERT INTO document_status VALUES (?, ?, ?, ?)", statuses)
    conn.close()
    return len(spans)


def bench_export(path: Path, tmp: Path, repeat: int) -> None:
    """Floors: the same span rows (or, for JSONL, the span rows and every document text)
    dumped by sqlite3 and csv.writer, nothing else."""
    from annotator.services import actions
    from annotator.storage import Project
    from annotator.storage.exchange import span_rows_sql

    def dump(sql: str) -> None:
        conn = sqlite3.connect(path)
        with open(tmp / "floor.csv", "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(conn.execute(sql))
        conn.close()

    # the spans CSV's rows: its columns, in its order, and (as it keeps) the spans of coders
    # with a status, by the export's own query (its joins read them in order, unsorted:
    # the plainest dump of the same rows there is)
    spans_sql = span_rows_sql("TRUE")
    with Project.open(path, read_only=True) as project:
        total = project.db.execute("SELECT count(*) FROM spans").fetchone()[0]
        for fmt, sql, name in (
                ("spans-csv", spans_sql, "csv dump of the span rows"),
                ("jsonl", "SELECT id, title, text FROM documents", "dump of spans + texts")):
            def floor(sql: str = sql, fmt: str = fmt) -> None:
                dump(sql)
                if fmt == "jsonl":
                    dump(spans_sql)

            f, a = pairs(floor, lambda fmt=fmt: actions.export(project, fmt, tmp / f"o.{fmt}"),
                         repeat)
            row(f"export {total:,} spans, {fmt}", name, f, a, "≤ 1.2×")
            if fmt == "spans-csv":
                _spans_csv_split(project, tmp, repeat, floor)


def _spans_csv_split(project: Any, tmp: Path, repeat: int, dump: Callable[[], None]
                     ) -> None:
    """Where the spans CSV's time goes beyond the dump (the row's floor, ``dump``): the
    export with its text check (on a second connection, a thread of its own, reading every
    document's text while the rows are written) and without it, alternating with the dump
    again; and the check alone."""
    from annotator.services import actions

    checking = actions._check_meanwhile

    def unchecked() -> None:
        actions._check_meanwhile = lambda _project: (lambda: [])
        try:
            actions.export(project, "spans-csv", tmp / "unchecked.csv")
        finally:
            actions._check_meanwhile = checking

    times: dict[str, list[float]] = {"dump": [], "export": [], "without the check": [],
                                     "the check alone": []}
    steps = (("dump", dump),
             ("export", lambda: actions.export(project, "spans-csv", tmp / "o.csv")),
             ("without the check", unchecked),
             ("the check alone", project.spans_off_their_text))
    for _ in range(repeat):
        for name, step in steps:
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    dump_ms = statistics.median(times["dump"]) * 1000
    print("  where the spans CSV goes          " + " | ".join(
        f"{name} {statistics.median(t) * 1000:,.0f} ms"
        + (f" ({statistics.median(t) * 1000 / dump_ms:.2f}x)" if name in ("export",
                                                                    "without the check")
           else "") for name, t in times.items()), flush=True)


def bench_agreement(repeat: int, quick: bool) -> None:
    """Character alpha of one category: ours against the krippendorff package on the same
    characters; then the whole report with a 1,000-sample bootstrap in a process of its own,
    for its peak memory."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_agreement as ba

    n = 200 if quick else AGREEMENT_DOCS
    data = ba.make_input(n)
    f, a = pairs(lambda: ba.package_alpha(data, n), lambda: ba.our_alpha(data, n), repeat)
    row(f"character alpha, {n:,} docs × 3 coders", "krippendorff package", f, a, "≤ 0.5×")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_agreement.py"),
                          str(n), "--memory"], check=True, capture_output=True, text=True)
    before, peak, seconds = (float(x) for x in out.stdout.split()[-3:])
    memory(f"agreement report + bootstrap 1000 ({seconds:.1f} s)", "input data alone",
           before, peak, "peak ≤ 600 MiB")


def bench_span_family(repeat: int, quick: bool) -> None:
    """The u-alpha family (2016) and γ at 3 coders × 1,000 spans (200 with --quick), each
    against a floor in the same run; then both in a process of their own, for the peak."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_span_family as bs

    from annotator.agreement.gamma import Dissimilarity, align, gamma

    spans = 200 if quick else 1000
    length, coded = bs.coding(spans)
    f, a = pairs(lambda: bs.run_unitizing(length, coded), lambda: bs.run_family(length, coded),
                 repeat)
    row(f"u-alpha family, 3 coders × {spans:,} spans", "u-alpha 1995/2004", f, a, "≤ 5×")
    units = bs.corpus(coded)
    align(units, Dissimilarity())  # scipy's solver imported before the timing
    f, a = pairs(lambda: align(units, Dissimilarity()), lambda: gamma(units, samples=30),
                 max(2, repeat // 3))
    row(f"gamma (30 samples), 3 × {spans:,} spans", "one best alignment", f, a,
        "≤ 62× (31 alignments, ≤ 2× each)")
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_span_family.py"),
                          str(spans), "--memory"], check=True, capture_output=True, text=True)
    before, peak, seconds = (float(x) for x in out.stdout.split()[-3:])
    memory(f"family + gamma, 3 × {spans:,} spans ({seconds:.1f} s)", "before", before, peak,
           "peak ≤ 600 MiB")


GUI_MEMORY = """import sys
from pathlib import Path
from annotator.ui.window.app import application
from annotator.ui.window.main_window import MainWindow
from annotator.ui.window.settings import Settings
from annotator.storage import Project
app = application(); w = MainWindow(Project.open(Path(sys.argv[1])), 'ana', Settings())
w.show(); app.processEvents(); w.repaint()
for step in range(20):
    w.coding.step_document(1); app.processEvents()
from common import peak_mib
print(peak_mib())
"""


def bench_gui_memory(path: Path, tmp: Path) -> None:
    from annotator.services import actions

    empty = tmp / "empty.annotator"
    actions.new_project(empty).close()

    def peak(project: Path) -> float:
        out = subprocess.run([sys.executable, "-c", GUI_MEMORY, str(project)], check=True,
                             capture_output=True, text=True, cwd=ROOT / "benchmarks")
        return float(out.stdout.split()[-1])

    memory("window peak RSS, this corpus", "empty project", peak(empty), peak(path),
           "≤ +60 MiB")


def bench_responsiveness(path: Path, quick: bool) -> None:
    """Each window action as the user triggers it, with the repaint it causes: the longest
    time the event loop was blocked, per action."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from annotator.storage import Project
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.window.settings import Settings

    app = QApplication.instance() or QApplication([])
    window = MainWindow(Project.open(path), "ana", Settings())
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    watchdog = Watchdog(0.05)  # a turn over 50 ms (the target) keeps the UI thread's stack
    work = ["start"]

    def timed(action: object) -> float:
        def turn() -> None:
            action()  # type: ignore[operator]
            window.repaint()
            app.processEvents()

        return watchdog.turn(work[0], turn)

    times = 4 if quick else 12
    bar = window.doc_table.verticalScrollBar()
    work[0] = "scroll"
    audit("scroll the document list", [timed(lambda v=v: bar.setValue(v)) for v in
                                       (bar.maximum() * i // times for i in range(times + 1))])

    answers: list[float] = []

    def settled(action: object) -> float:
        """The longest the window is blocked by ``action``: asking (a filtered or sorted
        list is worked out on its own thread), then each turn of the event loop until the
        answer is in and painted."""
        start = time.perf_counter()
        longest = timed(action)
        while window.doc_model.pending:
            time.sleep(0.001)
            longest = max(longest, timed(lambda: None))
        answers.append(time.perf_counter() - start)
        return longest

    def filter_by(term: str) -> None:
        window.search_box.setText(term)
        window.documents.filter_timer.stop()
        window.documents.filter_changed()

    terms = ["Stoltenberg", "Kremlin guarantees", "NATO", "zzzz", "Liberty", "Put", ""]
    work[0] = "filter"
    audit("filter the list (title, outlet, text)", [settled(lambda t=t: filter_by(t))
                                                   for t in terms])
    work[0] = "sort"
    audit("sort the list by a column", [
        settled(lambda c=c, o=o: window.doc_table.sortByColumn(c, o))
        for c in range(4) for o in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder)])
    print(f"    (a filtered or sorted list was shown {statistics.median(answers) * 1000:.0f} ms "
          f"after it was asked for, median; at most {max(answers) * 1000:.0f} ms)", flush=True)
    work[0] = "switch"
    audit("switch to the next document", [timed(lambda: window.coding.step_document(1))
                                          for _ in range(times)])
    text = window.view.text

    def code(at: int) -> None:
        window.view.select_range(at, at + 4)
        window.coding.code("speaker", None)

    work[0] = "code"
    audit("code a selection", [timed(lambda at=at: code(at))
                               for at in range(10, min(len(text) - 10, 10 + 40 * times), 40)])
    work[0] = "undo"
    audit("undo and redo", [timed(f) for _ in range(times // 2)
                            for f in (window.undo_stack.undo, window.undo_stack.redo)])
    # the backup a window makes at open (1.1 GB at 100,000 articles), while the coder codes
    # and undoes at a coder's pace until it is written
    work[0] = "backup"
    backup = window.session.back_up(0)
    steps = (lambda: code(10), window.undo_stack.undo, window.undo_stack.redo,
             window.undo_stack.undo)
    during: list[float] = []
    while backup is not None and backup.is_alive() or len(during) < len(steps):
        during.append(timed(steps[len(during) % len(steps)]))
        time.sleep(0.05)
    audit("code and undo during a backup", during)
    watchdog.stop()
    watchdog.report()
    window.close()
