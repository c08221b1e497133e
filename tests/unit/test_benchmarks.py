"""The benchmark runner works: a --quick run prints every row (it asserts no time: timed
tests flake on shared machines; the figures themselves are in benchmarks/README.md)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

ROWS = ["import 300 .txt", "text filter", "start to its first frame", "start to the coding window",
        "switch to an article",
        "add one span", "scroll the document list", "filter the list", "sort the list",
        "switch to the next document", "code a selection", "undo and redo",
        "code and undo during a backup",
        "window peak RSS", "export", "character alpha", "agreement report",
        "corpus search Stoltenberg", 'corpus search "Jens Stoltenberg"', "corpus search Stolten*",
        "coded segments, speaker, ana", "coded segments, speaker, every coder",
        "u-alpha family, 3 coders", "gamma (30 samples)", "family + gamma"]


def test_benchmark_runner_prints_every_row() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    for name in ROWS:
        assert name in proc.stdout, name
    assert proc.stdout.count("ratio") == 25 and proc.stdout.count("longest") == 7
    assert "where the first frame goes" in proc.stdout
    assert "32 rows" in proc.stdout and ".docx" in proc.stdout
    # under each window row: where its time goes, Qt's, SQLite's and ours (rows_split)
    assert proc.stdout.count("where a switch") == 2
    assert proc.stdout.count("where adding a span") == 2
    assert proc.stdout.count(" = Qt ") == 8
    assert proc.stdout.count("300,000-character article, 5,000 spans") == 4


def test_near_duplicate_benchmark_prints_recall_and_precision() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_duplicates.py"),
                           "--quick"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("recall") == 2 and proc.stdout.count("precision") == 2
    assert "2,000 documents, threshold 0.9" in proc.stdout and "exact all-pairs" in proc.stdout


def test_server_load_benchmark_loses_nothing() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "server_load.py"),
                           "--quick"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("lost 0") == 2 and proc.stdout.count("p95") == 2
    assert "server p50 / file p50 ratio" in proc.stdout


def test_suggestion_benchmark_prints_both_methods_and_the_times() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_suggest.py"),
                           "--quick"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "rules    precision" in proc.stdout and "learned  precision" in proc.stdout
    assert "training on all 80 articles" in proc.stdout


def test_the_split_puts_each_c_function_to_its_owner() -> None:
    """rows_split: a PySide6 method or the event loop is Qt's, an sqlite3 method SQLite's,
    Python code (ours, or Qt calling our data()) and Python's own built-ins are ours."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from rows_split import owner

    assert owner(("~", 0, "<method 'repaint' of 'PySide6.QtWidgets.QWidget' objects>")) == "qt"
    assert owner(("~", 0, "<built-in method processEvents>")) == "qt"
    assert owner(("~", 0, "<method 'execute' of 'sqlite3.Connection' objects>")) == "sqlite"
    assert owner(("~", 0, "<built-in method builtins.sorted>")) == "ours"
    assert owner(("/x/annotator/ui/coding/spans_model.py", 128, "data")) == "ours"


def test_the_verdict_puts_the_rest_over_the_target_to_qt_only_when_ours_fits() -> None:
    """rows_split.verdict (#28's rule): a row over its target is Qt's and SQLite's when
    our own time fits in what the target leaves over the floor."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from rows_split import verdict

    floor = {"median": 10.0, "qt": 9.5, "sqlite": 0.5, "ours": 0.0, "ours_plain": 0.0}

    def app(median: float, qt: float, sqlite: float, ours: float) -> dict[str, float]:
        return {"median": median, "qt": qt, "sqlite": sqlite, "ours": ours,
                "ours_plain": max(0.0, median - qt - sqlite)}

    assert verdict(app(14.0, 10.0, 1.0, 5.0), floor, 1.5) == "target met"
    # ours 3.0 (profiled 4.0), SQLite 6.0: within the 5.0 that 1.5x leaves, SQLite aside
    assert verdict(app(20.0, 11.0, 6.0, 4.0), floor, 1.5).endswith("is Qt's and SQLite's")
    # plain 3.0 fits, profiled 6.0 does not: said so
    assert verdict(app(20.0, 16.0, 1.0, 6.0), floor, 1.5).endswith("by the plain estimate")
    # ours 8.0: more than the target leaves
    assert verdict(app(20.0, 11.0, 1.0, 9.0), floor, 1.5).endswith("not all Qt's and SQLite's")
    assert "the target leaves 10.0" in verdict(app(40.0, 30.0, 1.0, 9.0), floor, 2.0)


def test_a_slow_turn_says_how_its_time_divides() -> None:
    """A turn the UI thread spends asleep (as it does waiting for the disk or the GIL) is
    "waited", not "ran": the watchdog tells a busy machine from a blocked thread."""
    import re
    import time

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from watchdog import Watchdog

    watchdog = Watchdog(0.05)
    watchdog.turn("sleep", lambda: time.sleep(0.08))
    watchdog.stop()
    [(work, seconds, _, split)] = watchdog.slow
    if not os.path.exists("/proc/thread-self/schedstat"):
        assert split == ""  # not Linux: no split, and no wrong one
        return
    ran, ready, waited = (int(n) for n in re.findall(
        r"ran (\d+) ms, ready for a CPU (\d+), waited (\d+)", split)[0])
    assert work == "sleep" and waited >= 75 and ran < 20


def test_the_sampled_split_puts_each_frame_to_its_owner() -> None:
    """rows_sampled.owner, on frames as py-spy writes them (``--native``): Qt's libraries
    and the font stack are Qt's; the SQLite library and Python's sqlite3 module SQLite's;
    PySide6 and Shiboken the bindings'; Python frames and the interpreter ours; the C
    library nobody's (its caller's)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from rows_sampled import owner

    assert owner("QWidget::repaint (libQt6Widgets.so.6)") == "qt"
    assert owner("FT_Load_Glyph (libfreetype.so.6.18.3)") == "qt"
    assert owner("sqlite3VdbeExec (libsqlite3.so.0.8.6)") == "sqlite"
    assert owner("stmt_step (cursor.c:383)") == "sqlite"
    assert owner("pysqlite_connection_execute_impl (connection.c:1780)") == "sqlite"
    assert owner("0x7fba4176be07 (PySide6/QtWidgets.abi3.so)") == "bindings"
    assert owner("Sbk_GetPyOverride (shiboken6/libshiboken6.abi3.so.6.11)") == "bindings"
    assert owner("SpansTableModel.data (annotator/ui/coding/spans_model.py:128)") == "ours"
    assert owner("<module> (<string>:1)") == "ours"
    assert owner("internal_bisect_right (_bisectmodule.c:140)") == "ours"
    assert owner("_PyEval_EvalFrameDefault (libpython3.11.so.1.0)") == "ours"
    assert owner("__memmove_avx_unaligned_erms (libc.so.6)") is None
    assert owner("operator new (libstdc++.so.6.0.30)") is None


def test_the_sampled_split_counts_the_window_thread_inside_the_action() -> None:
    """rows_sampled.shares: only the main thread's samples taken inside the action count;
    a sample ending in the C library goes to the frame that called it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from rows_sampled import in_ms, shares, verdict

    raw = [
        "thread (1): MainThread;<module> (loop.py:9);app_switch (actions.py:3);"
        "QWidget::repaint (libQt6Widgets.so.6);memcpy (libc.so.6) 6\n",
        "thread (1): MainThread;<module> (loop.py:9);app_switch (actions.py:3);"
        "0x7f00 (PySide6/QtWidgets.abi3.so);pieces (span_paint.py:170) 2\n",
        "thread (1): MainThread;<module> (loop.py:9);app_switch (actions.py:3);"
        "0x7f00 (PySide6/QtWidgets.abi3.so) 1\n",
        "thread (1): MainThread;<module> (loop.py:9);actions.<locals>.app_switch (a.py:3);"
        "sqlite3_step (libsqlite3.so.0) 1\n",
        "thread (1): MainThread;<module> (loop.py:9);app_switch_twice (actions.py:3);"
        "QWidget::repaint (libQt6Widgets.so.6) 30\n",  # another function
        "thread (1): MainThread;<module> (loop.py:7);warm (loop.py:2);"  # not in the action
        "QWidget::repaint (libQt6Widgets.so.6) 50\n",
        "thread (2): backup;run (threading.py:9);app_switch (actions.py:3);"  # not the window's
        "sqlite3_step (libsqlite3.so.0) 40\n",
    ]
    counts = shares(raw, "app_switch")
    assert counts == {"qt": 6, "ours": 2, "bindings": 1, "sqlite": 1}
    ms = in_ms(counts, 20.0)
    assert ms == {"qt": 12.0, "ours": 4.0, "bindings": 2.0, "sqlite": 2.0, "median": 20.0}
    # ours with the bindings 6.0 ms: within what 1.5x of a 12 ms floor leaves (6.0)
    assert verdict(ms, 12.0, 1.5).endswith("the rest over the target is Qt's and SQLite's")
    # ours 4.0 fits in the 5.5 that 1.5x of 11 ms leaves, with the bindings (6.0) not
    assert verdict(ms, 11.0, 1.5).endswith("is Qt's, SQLite's and the bindings'")
    assert verdict(ms, 7.0, 1.5).endswith("not all Qt's and SQLite's")
    assert verdict(ms, 14.0, 1.5) == "target met"
