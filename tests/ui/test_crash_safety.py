"""A window killed with SIGKILL: what the coder typed (without Enter or Tab) is stored, the
next start lands on the same document and zoom, the project file alone (without its -wal)
holds the work after a pause, and the next start says the last session did not end well.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.services import actions
from annotator.storage import Project
from tests.conftest import SEEDS

CODER = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from PySide6.QtCore import QElapsedTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from annotator.storage import Project
    from annotator.ui.window.app import application
    from annotator.ui.window.session import start_crash_log
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.window.settings import Settings

    app = application()
    start_crash_log()
    window = MainWindow(Project.open(Path(sys.argv[1])), "ana", Settings.load())
    window.show()
    window.show_document(window.doc_model.ids[2])
    window.navigation.zoom(3)
    window.navigation.focus_variables()
    QTest.keyClicks(window.variables_form.editors["outlet"].widget, "Interfax")

    def spin(ms):
        timer = QElapsedTimer()
        timer.start()
        while timer.elapsed() < ms:
            app.processEvents()
            QTest.qWait(20)

    spin(int(sys.argv[2]))  # no Enter, no Tab, no quit
    print("ready", window.document_id, flush=True)
    spin(60000)
""")


def run_and_kill(path: Path, wait_ms: int) -> int:
    proc = subprocess.Popen([sys.executable, "-c", CODER, str(path), str(wait_ms)],
                            stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    line = proc.stdout.readline()  # type: ignore[union-attr]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert line.startswith("ready"), line
    return int(line.split()[1])


def test_typed_text_and_place_survive_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "k.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
    document = run_and_kill(path, 6000)  # past the typing pause and the idle checkpoint
    alone = tmp_path / "alone" / "k.annotator"  # what an e-mailed file holds: no -wal
    alone.parent.mkdir()
    shutil.copyfile(path, alone)
    for where in (path, alone):
        with Project.open(where) as project:
            assert project.variables(document, "ana") == {"outlet": "Interfax"}
    from annotator.ui.window.session import start_crash_log
    from annotator.ui.window.settings import Settings

    settings = Settings.load()
    assert settings.last_document[str(path.resolve())] == document
    assert settings.zoom == 3
    assert start_crash_log() is not None  # the killed session is noticed once


def test_typed_text_is_stored_within_a_second(tmp_path: Path) -> None:
    path = tmp_path / "k.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
    document = run_and_kill(path, 1000)
    with Project.open(path) as project:
        assert project.variables(document, "ana") == {"outlet": "Interfax"}


def test_a_second_window_while_the_first_runs_is_not_told_of_a_crash(tmp_path: Path) -> None:
    """Seen under Xvfb: starting annotator while another instance was open said "did not
    close properly last time", then "already open". A marker left by a live process is no
    crash; one left by a process that is gone is."""
    import subprocess
    import sys

    from annotator.ui.window import session

    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        session._marker().parent.mkdir(parents=True, exist_ok=True)
        session._marker().write_text(str(running.pid), encoding="utf-8")
        assert session.start_crash_log() is None
        # the second window closes cleanly: the first one's marker stays (seen under Xvfb:
        # a first window killed after a second was cancelled went unreported)
        session.end_crash_log()
        assert session._marker().read_text(encoding="utf-8") == str(running.pid)
    finally:
        running.kill()
        running.wait()
    assert session.start_crash_log() is not None  # the first window was killed
    session.end_crash_log()
    assert not session._marker().exists()


def test_the_file_is_checkpointed_behind_the_window_every_few_dozen_changes(
        make_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """SQLite's own checkpoint runs in the commit that passes 1,000 pages of -wal: 200 ms on
    the window's thread at 100,000 documents. The session copies the -wal into the file on
    a thread of its own every CHECKPOINT_EVERY changes, so that commit does not come."""
    import sqlite3

    from annotator.ui.window.session import CHECKPOINT_EVERY

    window = make_window()
    path = window.project.path

    def in_the_file() -> int:  # spans the project file holds without its -wal
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM spans").fetchone()[0])
        finally:
            conn.close()

    window.project.checkpoint()
    before = in_the_file()
    document = window.document_id
    for i in range(CHECKPOINT_EVERY):
        window.project.add_span(document, "ana", "speaker", i, i + 1)
        qtbot.waitUntil(lambda n=i: window.session.changes == (n + 1) % CHECKPOINT_EVERY)
        if i < CHECKPOINT_EVERY - 1:
            assert in_the_file() == before  # still only in the -wal
    window.session.checkpointing.join(10)
    assert in_the_file() == before + CHECKPOINT_EVERY


def test_the_checkpoint_at_a_pause_runs_behind_the_window(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                          monkeypatch) -> None:
    """It syncs the 1 GB file: on the window's thread, a coder who went on after the pause
    waited for the disk."""
    import threading

    window = make_window()
    where: list[str] = []
    checkpoint = window.project.checkpoint
    monkeypatch.setattr(window.project, "checkpoint", lambda own=False: (
        where.append(threading.current_thread().name), checkpoint(own)))
    window.session.idle_timer.setInterval(10)
    window.project.add_span(window.document_id, "ana", "speaker", 0, 5)
    qtbot.waitUntil(lambda: bool(where))
    window.session.checkpointing.join(10)
    assert where == ["checkpoint"]


def test_saved_shows_once_the_disk_has_the_change(make_window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The window's commits do not wait for the disk (an fsync held up for half a second
    held the window as long); the status line says "saving" until the -wal is synced on
    the syncer's thread, and what the disk refused."""
    import errno
    import threading

    from annotator.storage.sqlite import durable

    disk = threading.Event()
    answer: list[OSError] = []
    real = durable._datasync

    def datasync(fd: int) -> None:
        disk.wait(10)
        if answer:
            raise answer[0]
        real(fd)

    monkeypatch.setattr(durable, "_datasync", datasync)
    window = make_window()
    label = window.status_line.saved_label
    window.view.select_range(0, 5)
    window.coding.code("speaker", None)
    assert label.text() == "● saving…"  # committed, not yet on the disk
    assert len(window.project.spans(window.document_id, "ana")) == 1
    disk.set()
    qtbot.waitUntil(lambda: label.text() == "✓ saved")
    disk.clear()
    answer.append(OSError(errno.EIO, os.strerror(errno.EIO)))
    window.undo_stack.undo()
    assert label.text() == "● saving…"
    disk.set()
    qtbot.waitUntil(lambda: "NOT SAVED" in label.text())
    refused = (f"{window.project.path}-wal: the disk did not take it "
               f"({os.strerror(errno.EIO)})")
    assert label.toolTip().startswith(refused + ".\n")
    assert "File → Save a copy" in label.toolTip()
    # once refused, a later sync that succeeds proves nothing (the refused pages may be
    # gone, marked clean): the line keeps saying so until the project is opened again
    answer.clear()
    window.undo_stack.redo()
    assert window.session.syncer is not None and window.session.syncer.wait(10)
    qtbot.wait(50)
    assert "NOT SAVED" in label.text() and label.toolTip().startswith(refused)


def test_the_place_is_saved_behind_the_window_and_at_closing_on_it(make_window, qtbot,  # type: ignore[no-untyped-def]
                                                                    monkeypatch) -> None:
    """A disk busy writing back a backup held the window 0.4 s in the settings' write."""
    window = make_window()
    saves: list[bool] = []
    save = window.settings.save
    monkeypatch.setattr(window.settings, "save", lambda in_background=False: (
        saves.append(in_background), save(in_background)))
    window.session.state_timer.setInterval(10)
    window.session.place_changed()
    qtbot.waitUntil(lambda: bool(saves))
    window.close()
    assert saves == [True, False]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own priority")
def test_the_backup_gives_way_to_the_window(make_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Copying 1 GB on one of two cores kept the window's thread waiting for a CPU."""
    import threading

    from annotator.storage.sqlite import backup

    window = make_window()
    seen: list[tuple[int, int]] = []  # (the backup thread's priority, the window's)
    monkeypatch.setattr(backup, "make_backup", lambda *a, **k: seen.append((
        os.getpriority(os.PRIO_PROCESS, threading.get_native_id()),
        os.getpriority(os.PRIO_PROCESS, threading.main_thread().native_id))))
    thread = window.session.back_up(0)
    assert thread is not None
    thread.join(10)
    [(behind, window_s)] = seen
    assert behind > window_s == os.getpriority(os.PRIO_PROCESS, 0)


def test_the_collector_leaves_the_windows_objects_alone(make_window) -> None:  # type: ignore[no-untyped-def]
    """A gen-2 collection walked the window's 36,000 objects in one action of 70 (18-23 ms
    at 1,000 spans), and the collections a 700-object threshold set off cost 0.7 ms an
    action on average."""
    import gc

    window = make_window()
    assert gc.get_freeze_count() > 1000  # the window's objects, frozen when it opened
    assert gc.get_threshold()[0] == 10_000
    collections = gc.get_stats()[0]["collections"]
    for _ in range(20):
        window.coding.step_document(1)  # each reads and draws a document's spans
    assert gc.get_stats()[0]["collections"] - collections <= 2


def test_closing_the_project_stops_its_backup_between_two_steps(make_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A window closed while its backup copied (11 s for 1 GB) left the copy running on,
    holding the project open, and, when the program ended, a hidden unfinished copy as
    large as the project. Closing the project now stops the copy at its next step."""
    import threading

    from annotator.storage.sqlite import backup

    window = make_window()
    stepping, release = threading.Event(), threading.Event()

    def step(_p: Path, drop: bool = False) -> None:
        stepping.set()
        release.wait(0.05)  # a copy much longer than the window stays open

    monkeypatch.setattr(backup, "sync_path", step)
    monkeypatch.setattr(backup, "STEP_PAGES", 1)
    monkeypatch.setattr(backup, "SYNC_EVERY_STEPS", 1)
    thread = window.session.back_up(0)
    assert thread is not None and stepping.wait(10)
    path = window.project.path
    window.close_project()
    assert not thread.is_alive()
    folder = backup.backup_folder(path)
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_objects_frozen_with_one_project_are_collected_when_another_opens(  # type: ignore[no-untyped-def]
        make_window, tmp_path) -> None:
    """The collector is told to leave the window's objects alone when a project opens
    (``gc.freeze``); what was frozen then and dropped later (the first project's cycles)
    used to stay in memory for good. Opening another project collects it."""
    import gc
    import weakref

    from annotator.services import actions
    from tests.conftest import SEEDS

    class Cycle:
        pass

    window = make_window()
    held = Cycle()
    held.me = held  # type: ignore[attr-defined]
    gone = weakref.ref(held)
    gc.freeze()  # as if it had been there when the project opened
    del held
    gc.collect()
    assert gone() is not None  # frozen: the collector does not see it
    other = actions.new_project(tmp_path / "other.annotator")
    actions.import_paths(other, [SEEDS])
    window.set_project(other)
    assert gone() is None
    assert gc.get_freeze_count() > 1000  # the window's objects frozen again


def test_the_list_is_read_ahead_behind_the_window(make_window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """From a project out of memory, a page of the list after a sort took up to 150 ms on
    the window's thread; its pages are now read ahead on a thread of its own at open."""
    import threading

    from annotator.storage.sqlite import database

    read: list[tuple[str, Path]] = []
    monkeypatch.setattr(database, "read_ahead", lambda path: read.append(
        (threading.current_thread().name, path)))
    window = make_window()
    for thread in threading.enumerate():
        if thread.name == "read-ahead":
            thread.join(10)
    assert read == [("read-ahead", window.project.path)]
