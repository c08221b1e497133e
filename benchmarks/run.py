"""Every speed figure of annotator against a floor measured in the same run.

    python benchmarks/run.py [--size 100000] [--quick] [--sample SECONDS]

Each row alternates floor and app (at least five pairs; ``--quick``: two, on a small
corpus, to check that every row prints) and reports the median and the minimum of each,
and the ratio of the medians. Texts come from one generator of news-like articles
(sentences of the sample corpus recombined, names, quotes, 8 % with emoji, 2–8 kB, a few
of 300 kB). GUI timings include a paint (the event loop runs until the window is drawn).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import platform
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import rows_find  # noqa: E402 - the script's own folder
import rows_more  # noqa: E402
import rows_sampled  # noqa: E402
import rows_split  # noqa: E402
import window_actions  # noqa: E402
from common import ROOT, ROWS, corpus, pairs, row  # noqa: E402


# -- the rows ----------------------------------------------------------------------------
def _floor_db(path: Path, rows: list[dict[str, str]]) -> None:
    """What SQLite needs for the same rows: the table with its unique constraint, insert_all,
    and the same full-text index (FTS5, the same tokenizer), which the search needs."""
    import sqlite_utils

    db = sqlite_utils.Database(path)
    db.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, content_hash TEXT UNIQUE, "
               "title TEXT, text TEXT)")
    db.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents',"
               " content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    db["documents"].insert_all(rows, batch_size=500)
    db.execute("INSERT INTO documents_fts (rowid, title, text) SELECT id, title, text "
               "FROM documents")
    db.conn.commit()
    db.close()


def _floor_project(template: Path, path: Path, rows: list[dict[str, str]]) -> None:
    """What SQLite needs to store the same rows as a project must: a copy of an empty
    project (the same tables, five indexes and checks, WAL, synchronous=FULL), one
    transaction, ``executemany`` and the same full-text index filled in one statement."""
    import shutil

    shutil.copyfile(template, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO documents (publication_key, content_hash, title, text, length, "
        "imported_at) VALUES (?, ?, ?, ?, ?, 't')",
        [(r["content_hash"], r["content_hash"], r["title"], r["text"], len(r["text"]))
         for r in rows])
    conn.execute("INSERT INTO documents_fts (rowid, title, outlet, text) SELECT id, title, "
                 "outlet, text FROM documents")
    conn.execute("COMMIT")
    conn.close()


def bench_import(tmp: Path, docs: list[tuple[str, str]], repeat: int) -> None:
    from annotator.services import actions

    folder = tmp / "txt"
    folder.mkdir()
    for i, (title, text) in enumerate(docs):
        (folder / f"{i:06d}.txt").write_text(f"{title}\n\n{text}", encoding="utf-8")
    runs = iter(range(10**6))
    template = tmp / "template.annotator"
    actions.new_project(template).close()

    def rows() -> list[dict[str, str]]:  # read + sha256, on one core
        found = []
        for path in sorted(folder.iterdir()):
            text = path.read_text(encoding="utf-8")
            found.append({"content_hash": hashlib.sha256(text.encode()).hexdigest(),
                          "title": text.split("\n", 1)[0], "text": text})
        return found

    def floor() -> None:
        _floor_project(template, tmp / f"floor{next(runs)}.annotator", rows())

    def lean_floor() -> None:  # one index, a rollback journal: less than a project needs
        _floor_db(tmp / f"floor{next(runs)}.db", rows())

    def app(source: Path = folder) -> None:
        project = actions.new_project(tmp / f"app{next(runs)}.annotator")
        actions.import_paths(project, [source])
        project.close()

    f, a = pairs(floor, app, repeat)
    row(f"import {len(docs):,} .txt", "read+sha256+the project's tables+FTS5", f, a, "≤ 1.5×")
    f, a = pairs(lean_floor, app, repeat)
    row(f"import {len(docs):,} .txt", "the same, one index, no WAL", f, a, "(for reference)")
    bench_import_docx(tmp, docs[:max(30, len(docs) // 25)], repeat, runs, app)


def bench_import_docx(tmp: Path, docs: list[tuple[str, str]], repeat: int,
                      runs: Iterator[int], app: Callable[[Path], None]) -> None:
    """Word files, which the import reads on every core: against python-docx reading them
    one after another, then the same rows and index."""
    import docx

    folder = tmp / "docx"
    folder.mkdir()
    for i, (title, text) in enumerate(docs):
        document = docx.Document()
        document.add_paragraph(title)
        for paragraph in text.split("\n\n"):
            document.add_paragraph(paragraph)
        document.save(str(folder / f"{i:05d}.docx"))

    def floor() -> None:
        rows = []
        for path in sorted(folder.iterdir()):
            text = "\n\n".join(p.text for p in docx.Document(str(path)).paragraphs)
            rows.append({"content_hash": hashlib.sha256(text.encode()).hexdigest(),
                         "title": text.split("\n", 1)[0], "text": text})
        _floor_db(tmp / f"floor{next(runs)}.db", rows)

    f, a = pairs(floor, lambda: app(folder), repeat)
    row(f"import {len(docs):,} .docx", "python-docx, one core, +rows+FTS5", f, a, "≤ 1×")


def build_project(tmp: Path, docs: list[tuple[str, str]]) -> Path:
    from annotator.domain.model import NewDocument
    from annotator.services import actions

    path = tmp / "big.annotator"
    with actions.new_project(path) as project:
        project.import_documents(NewDocument(text=t, title=title) for title, t in docs)
    return path


def bench_filter(path: Path, repeat: int) -> None:
    from annotator.storage import Project

    conn = sqlite3.connect(path)
    with Project.open(path, read_only=True) as project:
        for term in ("Stoltenberg", "Kremlin guarantees", "[4242]"):
            query = " AND ".join(f'"{w}"*' for w in re.findall(r"\w+", term))
            f, a = pairs(lambda q=query: conn.execute(
                "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?", [q]).fetchall(),
                lambda t=term: project.document_ids("ana", search=t), repeat)
            row(f"text filter “{term}”", "FTS5 query", f, a, "≤ 50 ms median")
    conn.close()


_FIRST_FRAME = """import sys, time
import annotator.ui.window.app as app
def drawn(*_args, **_kwargs):  # where the window would be built: the frame is on screen
    print("painted", time.time())
    frame = [w for w in app.QApplication.topLevelWidgets() if w.objectName() == "first_frame"]
    app.end_crash_log()
    sys.exit(0 if frame and frame[0].isVisible() else 3)
app.open_window = drawn
from annotator.cli import main
main([sys.argv[1]])
"""
_READY = """import sys, time
from PySide6.QtWidgets import QApplication
def drawn(self):  # the event loop's first turns: the window painted, then the run ends
    self.processEvents()
    for w in self.topLevelWidgets():
        if w.isVisible():
            w.repaint()
    print("painted", time.time())
    return 0
QApplication.exec = drawn
from annotator.cli import main
sys.exit(main([sys.argv[1]]))
"""


_START_STAGES = """import sys, time, json
t = [time.perf_counter()]
import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets  # what the floor loads too
t.append(time.perf_counter())
import annotator.cli
import annotator.ui.window.app as app
import annotator.ui.window.first_frame as ff
t.append(time.perf_counter())
def mark(module, name):
    inner = getattr(module, name)
    def marked(*args, **kwargs):
        t.append(time.perf_counter())
        return inner(*args, **kwargs)
    setattr(module, name, marked)
def shown(*args):
    t.append(time.perf_counter())  # built
    return show(*args)
show = ff.FirstFrame.show
ff.FirstFrame.show = shown
mark(ff, "glance")
mark(ff, "FirstFrame")
def drawn(*_args, **_kwargs):
    t.append(time.perf_counter())
    app.end_crash_log()
    print("stages", json.dumps([b - a for a, b in zip(t, t[1:])]))
    sys.exit(0)
app.open_window = drawn
annotator.cli.main([sys.argv[1]])
"""
_FLOOR_STAGES = """import sys, time, json
t = [time.perf_counter()]
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
t.append(time.perf_counter())
app = QApplication([]); w = QMainWindow(); e = QPlainTextEdit()
e.setPlainText(open(sys.argv[1], encoding='utf-8').read()[:8000])
w.setCentralWidget(e); t.append(time.perf_counter())
w.show(); app.processEvents(); w.repaint(); t.append(time.perf_counter())
print("stages", json.dumps([b - a for a, b in zip(t, t[1:])]))
"""


def _start_split(seed: Path, path: Path, env: dict[str, str]) -> None:
    """Where the first frame's time goes, from the script's start (the interpreter's own
    start, the same for both, left out): Qt's modules (as the floor loads them), annotator's
    modules (with the Qt types they name), then each step to the painted frame."""
    def stages(script: str, argument: Path) -> list[float]:
        runs = []
        for _ in range(5):
            out = subprocess.run([sys.executable, "-c", script, str(argument)], check=True,
                                 env=env, capture_output=True, text=True, timeout=120).stdout
            runs.append(json.loads(out.split("stages ", 1)[1]))
        return [statistics.median(r[i] for r in runs) * 1000 for i in range(len(runs[0]))]

    app = stages(_START_STAGES, path)
    floor = stages(_FLOOR_STAGES, seed)
    names = ("Qt's modules", "annotator's", "app, settings, log", "glance", "built",
             "shown, painted")
    print(f"  where the first frame goes      app {sum(app):6.1f} ms = "
          + " + ".join(f"{n} {v:.1f}" for n, v in zip(names, app, strict=True))
          + f" | floor {sum(floor):6.1f} = Qt's modules {floor[0]:.1f} + built "
          f"{floor[1]:.1f} + shown, painted {floor[2]:.1f}", flush=True)


def bench_start(path: Path, repeat: int) -> None:
    """``annotator PROJECT`` as a coder starts it (the command line, the coder known from the
    settings), to its first frame (the article and the list's first screenful drawn, the
    rest of annotator still loading) and to the coding window painted, ready for a key.
    annotator's bytecode is compiled first, as an install has it (pip compiles it; this
    machine's PYTHONDONTWRITEBYTECODE=1 would leave a source checkout compiling ~140
    modules at every start, 100–150 ms that no user pays). Each run is timed from its
    launch to its paint (the time it prints), not to its exit: the app has more to tear
    down, which no user waits for."""
    import compileall

    compileall.compile_dir(str(ROOT / "annotator"), quiet=1)
    floor_script = ("import sys, time; t = time.perf_counter()\n"
                    "from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit\n"
                    "app = QApplication([]); w = QMainWindow(); e = QPlainTextEdit()\n"
                    "e.setPlainText(open(sys.argv[1], encoding='utf-8').read()[:8000])\n"
                    "w.setCentralWidget(e); w.show(); app.processEvents(); w.repaint()\n"
                    "print('painted', time.time())\n")
    seed = next((ROOT / "seeds").glob("*.txt"))
    config, data = path.parent / "cfg", path.parent / "data"
    (config / "annotator").mkdir(parents=True, exist_ok=True)
    (config / "annotator" / "settings.json").write_text(json.dumps(
        {"version": 1, "coder_by_project": {str(path.resolve()): "ana"}}), encoding="utf-8")
    env = {**os.environ, "XDG_CONFIG_HOME": str(config), "XDG_DATA_HOME": str(data)}
    # a backup younger than ten minutes, as when a coder opens the project again: each run
    # would otherwise start copying the whole project (1.1 GB at 100,000) on its thread
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from "
                    "annotator.storage.sqlite.backup import make_backup; "
                    "make_backup(Path(sys.argv[1]))", str(path)], check=True, env=env)

    def painted(script: str, argument: Path) -> float:
        launched = time.time()
        out = subprocess.run([sys.executable, "-c", script, str(argument)], check=True,
                             env=env, capture_output=True, text=True, timeout=120).stdout
        return float(out.split("painted ")[1].split()[0]) - launched

    for name, script, target in (("start to its first frame (article, list)", _FIRST_FRAME,
                                  "≤ 1.5×"),
                                 ("start to the coding window, painted", _READY,
                                  "(for reference)")):
        f, a = [], []
        for _ in range(repeat):
            f.append(painted(floor_script, seed))
            a.append(painted(script, path))
        row(name, "QMainWindow+QPlainTextEdit", f, a, target)
        if script is _FIRST_FRAME:
            _start_split(seed, path, env)


def bench_window(path: Path, repeat: int, sample: float = 0.0) -> None:
    """Switching and coding, each against the floor of the same window doing Qt's part
    alone: the article's text set without spans, or one WAL commit, and the window (list,
    article, spans table, forms) painted. Floor and app alike end by running the
    event loop, so that the layout the floor's text asks for is the floor's time (it ran in
    the app's turn before, 2–3 ms of the app's figure).

    The window's paint: ``QWidget.repaint`` paints every widget's frame, bars and headers,
    but a scroll area's viewport only where it was marked changed: the floor does not
    paint the list's rows or the spans table's, which the app paints where a switch or a
    span changes them (its extra work, Qt's and our models' ``data()``). Marking every
    viewport in both was tried and left: it added the same 10 ms to floor and app, most of
    it painting rows that no switch changes, and moved our models' code into the floor."""
    app, project, window = window_actions.open_window(path)
    medians: dict[tuple[str, int], tuple[float, float]] = {}  # (floor, app), in ms
    for count in (200, 1000):
        doc, other = window_actions.the_article(project, count)
        act = window_actions.actions(app, window, project, doc, other)
        f, a = pairs(act["floor_switch"], act["app_switch"], 2 * repeat)
        row(f"switch to an article with {count:,} spans", "setPlainText+window paint", f, a,
            "≤ 1.5× / 2×")
        medians["switch", count] = 1000 * statistics.median(f), 1000 * statistics.median(a)
        rows_split.print_split(f"  where a switch ({count:,} spans) goes", act["app_switch"],
                               act["floor_switch"], 12 * repeat, 1.5 if count == 200 else 2.0)
        print_margin(app, window, doc, count, repeat)
        window.show_document(doc)
        f, a = pairs(act["floor_add"], act["app_add"], repeat)
        row(f"add one span ({count:,} in the article)", "one WAL commit+window paint", f, a,
            "≤ 1.5×")
        medians["add", count] = 1000 * statistics.median(f), 1000 * statistics.median(a)
        rows_split.print_split(f"  where adding a span ({count:,}) goes", act["app_add"],
                               act["floor_add"], 4 * repeat, 1.5)
    bench_long_article(app, window, project, random.Random(3), repeat)
    window.close()
    if sample:  # each action in a process of its own, the project closed here
        for (kind, count), (floor_ms, app_ms) in medians.items():
            what = "a switch" if kind == "switch" else "adding a span"
            rows_sampled.print_sampled(
                f"  {what} ({count:,}), sampled", path, count, f"app_{kind}",
                f"floor_{kind}", app_ms, floor_ms,
                2.0 if (kind, count) == ("switch", 1000) else 1.5, sample)


def print_margin(app: Any, window: Any, doc: int, count: int, repeat: int) -> None:
    """What a switch leaves for later: the article's margin beyond the screen, formatted
    when the coder has stayed ``REST_MS`` (timed as the timer runs it, with what Qt then
    lays out and paints; not in the switch's row, and not done at all for an article
    paged past)."""
    from annotator.ui.coding.article_view import REST_MS

    def margin() -> None:
        window.view._rest.timeout.emit()
        app.processEvents()

    times = []
    for _ in range(repeat):
        window.show_document(doc)
        times.append(timed_once(margin))
    print(f"  the margin, {REST_MS} ms after a switch ({count:,} spans): median "
          f"{statistics.median(times) * 1000:.1f} ms (not in the row)", flush=True)


def bench_long_article(app: object, window: object, project: object, rng: random.Random,
                       repeat: int) -> None:
    """A 300,000-character article with 5,000 spans: switching to it, coding, undoing and
    scrolling a page, each with the window painted (timed, not held to a target)."""
    from annotator.domain.model import NewDocument

    w: Any = window
    p: Any = project
    text = ""
    for doc in p.all_document_ids()[:400]:
        text += p.document(doc).text + "\n\n"
        if len(text) >= 300_000:
            break
    text = text[:300_000]
    p.import_documents([NewDocument(text=text, title="A long article")])
    long_doc = p.all_document_ids()[-1]
    window_actions.add_spans(p, long_doc, len(text), 5_000, rng)
    short = p.all_document_ids()[0]
    switches = itertools.cycle([short, long_doc])

    def switch() -> None:
        w.show_document(next(switches))
        w.repaint()
        app.processEvents()  # type: ignore[attr-defined]

    times = [timed_once(switch) for _ in range(2 * repeat)][1::2]  # the long one's
    w.show_document(long_doc)
    positions = iter(range(500, len(text) - 10, 611))

    def code() -> None:
        start = next(positions)
        w.view.select_range(start, start + 6)
        w.coding.code("speaker", None)
        w.repaint()
        app.processEvents()  # type: ignore[attr-defined]

    def undo() -> None:
        w.undo_stack.undo()
        w.repaint()
        app.processEvents()  # type: ignore[attr-defined]

    bar = w.view.verticalScrollBar()

    def scroll() -> None:
        bar.setValue(bar.value() + bar.pageStep())
        w.repaint()
        app.processEvents()  # type: ignore[attr-defined]

    for name, func_times in (("switch to it", times),
                             ("code a selection", [timed_once(code) for _ in range(repeat)]),
                             ("undo", [timed_once(undo) for _ in range(repeat)]),
                             ("scroll a page", [timed_once(scroll) for _ in range(3 * repeat)])):
        print(f"300,000-character article, 5,000 spans: {name:<18} median "
              f"{statistics.median(func_times) * 1000:7.1f} ms (max "
              f"{max(func_times) * 1000:7.1f})", flush=True)


def timed_once(func: Any) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="documents (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--sample", type=float, default=60.0, metavar="SECONDS",
                        help="sample each window action this long with py-spy, where it is "
                        "installed (default 60; 0: not at all; --quick: not at all)")
    args = parser.parse_args()
    size = 300 if args.quick else args.size
    repeat = 2 if args.quick else 5
    print(f"annotator benchmarks, {date.today()}, {platform.platform()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}; {size:,} documents, "
          f"{repeat} alternating pairs per row", flush=True)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        os.environ["XDG_CONFIG_HOME"] = str(tmp / "cfg")
        os.environ["XDG_DATA_HOME"] = str(tmp / "data")  # the windows' backups: not the user's
        docs = corpus(size)
        bench_import(tmp, docs[: min(size, 10_000)], repeat)
        path = build_project(tmp, docs)
        spans = rows_more.add_coding(path, docs)
        print(f"({spans:,} spans by two coders added to the corpus)", flush=True)
        bench_filter(path, repeat)
        rows_find.bench_search(path, repeat)
        rows_find.bench_segments(path, repeat)
        bench_start(path, repeat)
        bench_window(path, repeat, 0.0 if args.quick else args.sample)
        rows_more.bench_responsiveness(path, args.quick)
        rows_more.bench_gui_memory(path, tmp)
        rows_more.bench_export(path, tmp, repeat)
        rows_more.bench_agreement(repeat, args.quick)
        rows_more.bench_span_family(repeat, args.quick)
    print(f"{len(ROWS)} rows")


if __name__ == "__main__":
    main()
