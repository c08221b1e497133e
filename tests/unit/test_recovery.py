"""Recovery and durability: `annotator check` and `--repair`, backups and restore, exports
killed half-way, a full disk, and SIGKILL while coding."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotator import cli
from annotator.domain.model import NewDocument, Status
from annotator.services import actions
from annotator.storage import Project
from annotator.storage.sqlite.backup import list_backups, make_backup, restore_backup
from annotator.storage.sqlite.check import check_project, repair_project
from tests.conftest import SEEDS
from tests.unit.test_hostile_inputs import coded_project, snapshot

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


def test_check_finds_a_tampered_span_and_a_wrong_link(tmp_path: Path) -> None:
    path = coded_project(tmp_path)
    assert check_project(path) == []
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER spans_inside_document_update")  # as a careless script might
    conn.execute("UPDATE spans SET text = 'Tampered' WHERE category = 'speaker'")
    conn.execute("UPDATE span_links SET target_id = span_id")  # an accusation → itself
    conn.commit()
    conn.close()
    problems = [str(p) for p in check_project(path)]
    assert any(p.startswith("spans ") and "is not the document's text" in p for p in problems)
    assert any(p.startswith("span_links ") and "links to a accusation span" in p
               for p in problems)


def damage_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for at in range(4096 * 4, 4096 * 4 + 3000):  # most of one page
        data[at] = 0x5A
    path.write_bytes(bytes(data))


def big_project(tmp_path: Path) -> Path:
    path = tmp_path / "big.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
        for doc in project.all_document_ids():
            for i in range(40):
                project.add_span(doc, "ana", "speaker", i, i + 1)
            project.set_status(doc, "ana", Status.DONE)
    return path


def test_check_finds_a_damaged_page_and_repair_saves_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = big_project(tmp_path)
    damage_pages(path)
    original = path.read_bytes()
    assert cli.main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "file -:" in out  # SQLite's integrity check names the damage
    assert cli.main(["check", "--repair", str(path)]) == 0
    out = capsys.readouterr().out
    repaired = tmp_path / "big.repaired.annotator"
    assert f"wrote {repaired}" in out
    assert path.read_bytes() == original  # never in place
    with Project.open(repaired) as project:
        assert project.document_count() >= 1
        assert project.scheme.name
    assert check_project(repaired) == []
    conn = sqlite3.connect(repaired)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x414E4E54
    conn.close()


def test_repair_reports_what_it_could_not_save(tmp_path: Path) -> None:
    path = coded_project(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER spans_inside_document_update")
    conn.execute("UPDATE spans SET text = 'Tampered' WHERE category = 'speaker'")
    conn.commit()
    conn.close()
    result = repair_project(path)
    assert any("is not the document's text" in str(p) for p in result.lost)
    with Project.open(result.path) as project:
        assert [s.category for s in project.iter_spans()] == ["accusation"]  # link dropped


def test_backups_rotate_and_restore(tmp_path: Path) -> None:
    path = coded_project(tmp_path)
    for _ in range(4):
        make_backup(path, keep=3)
    assert len(list_backups(path)) == 3
    with Project.open(path) as project:
        project.add_span(project.all_document_ids()[1], "ana", "speaker", 0, 3)
        assert sum(1 for _ in project.iter_spans()) == 3
        # an open project is backed up whole, WAL included
        newest = make_backup(path, keep=3)
    assert newest is not None
    restore_backup(list_backups(path)[1].path, path)  # the one before the new span
    with Project.open(path) as project:
        assert sum(1 for _ in project.iter_spans()) == 2
    restore_backup(newest.path, path)
    with Project.open(path) as project:
        assert sum(1 for _ in project.iter_spans()) == 3


def test_a_backup_reaches_the_disk_before_it_has_its_name(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """A power cut after the rename must not leave a backup that looks whole and is not
    (while the rotation drops an older, good one); and the copy is synced as it is written,
    not left to reach the disk in one burst that holds up every coding action's fsync."""
    from annotator.storage.sqlite import backup

    path = coded_project(tmp_path)
    synced: list[tuple[str, bool, bool]] = []  # (name, whether a backup of that name
    real = backup.sync_path  # existed, whether its pages were dropped from memory)

    def sync_path(p: Path, drop: bool = False) -> None:
        synced.append((p.name, any(backup.backup_folder(path).glob(f"*{backup.SUFFIX}")),
                       drop))
        real(p, drop)

    monkeypatch.setattr(backup, "sync_path", sync_path)
    monkeypatch.setattr(backup, "STEP_PAGES", 4)  # a small project in several steps
    monkeypatch.setattr(backup, "SYNC_EVERY_STEPS", 2)
    made = backup.make_backup(path)
    assert made is not None
    tmp = f".{made.path.name}.tmp"
    assert synced[-2:] == [(tmp, False, False), (backup.backup_folder(path).name, True, False)]
    assert synced[:-2] and set(synced[:-2]) == {(tmp, False, True)}  # while it was written


def test_a_backup_in_steps_is_the_project_as_it_began(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The window goes on coding while its backup is written a step at a time: SQLite would
    begin the copy again after each of those commits (at one a step, never ending) unless
    the copy reads one snapshot throughout."""
    from annotator.storage.sqlite import backup

    path = coded_project(tmp_path)
    with Project.open(path) as project:
        spans = sum(1 for _ in project.iter_spans())
        doc = project.all_document_ids()[1]
        steps: list[int] = []

        def code_between_steps(p: Path, drop: bool = False) -> None:  # after every step
            steps.append(1)
            assert len(steps) < 1000, "the copy began again and again"
            project.add_span(doc, "ana", "speaker", 0, 1 + len(steps) % 5)

        monkeypatch.setattr(backup, "sync_path", code_between_steps)
        monkeypatch.setattr(backup, "STEP_PAGES", 2)
        monkeypatch.setattr(backup, "SYNC_EVERY_STEPS", 1)
        made = backup.make_backup(path)
        assert made is not None and len(steps) > 5
        assert sum(1 for _ in project.iter_spans()) == spans + len(steps)
    with Project.open(made.path, read_only=True) as copy:
        assert sum(1 for _ in copy.iter_spans()) == spans


def test_a_backup_a_closed_window_left_unfinished_is_dropped_at_the_next(
        tmp_path: Path) -> None:
    """A window closed (or killed) while it backed a project up on its thread leaves a
    hidden copy as large as the project; the next backup drops it, not one being written."""
    from annotator.storage.sqlite.backup import UNFINISHED_AFTER_S, backup_folder

    path = coded_project(tmp_path)
    make_backup(path)
    folder = backup_folder(path)
    left = folder / f".{path.stem}-20261203-060000-000000.annotator-backup.tmp"
    writing = folder / f".{path.stem}-20261203-090000-000000.annotator-backup.tmp"
    for tmp in (left, writing):
        tmp.write_bytes(b"\0" * 4096)
    old = time.time() - UNFINISHED_AFTER_S - 60
    os.utime(left, (old, old))
    make_backup(path)
    assert not left.exists() and writing.exists()
    assert len(list_backups(path)) == 2


def test_a_backup_told_to_stop_leaves_nothing_and_lets_go_of_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A window closing stops its backup between two steps: the unfinished copy is removed
    (it used to stay, hidden and as large as the project, until a backup two minutes
    later), the backups before it are kept, and the project is no longer held open."""
    import threading

    from annotator.storage.sqlite import backup

    path = coded_project(tmp_path)
    kept = make_backup(path)
    stop = threading.Event()
    steps: list[int] = []

    def step(_p: Path, drop: bool = False) -> None:
        steps.append(1)
        if len(steps) == 3:
            stop.set()

    monkeypatch.setattr(backup, "sync_path", step)
    monkeypatch.setattr(backup, "STEP_PAGES", 1)
    monkeypatch.setattr(backup, "SYNC_EVERY_STEPS", 1)
    assert backup.make_backup(path, stop=stop) is None
    assert len(steps) == 3  # stopped at the step after
    assert [b.path for b in list_backups(path)] == [kept.path]  # type: ignore[union-attr]
    assert not [p for p in backup.backup_folder(path).iterdir() if p.name.endswith(".tmp")]
    held = [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
            if os.path.exists(f"/proc/self/fd/{fd}")] if os.path.isdir("/proc/self/fd") else []
    assert str(path) not in held
    assert backup.make_backup(path, stop=stop) is None  # told before it began: not begun


def test_a_windows_backup_waits_in_the_disks_queue_and_gives_the_thread_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A window's (gentle) backup copies and syncs in Linux's idle I/O class, so the
    window's reads of a cold project are not queued behind it; afterwards the thread is in
    the class it had. A backup made otherwise (the command line's) keeps its class."""
    from annotator.storage.sqlite import backup, io_priority

    before = io_priority.current()
    if before is None:
        pytest.skip("this system has no per-thread I/O priority to read (not Linux)")
    path = coded_project(tmp_path)
    seen: list[int | None] = []

    def sync(_p: Path, drop: bool = False) -> None:
        seen.append(io_priority.current())

    monkeypatch.setattr(backup, "sync_path", sync)
    monkeypatch.setattr(backup, "STEP_PAGES", 1)
    monkeypatch.setattr(backup, "SYNC_EVERY_STEPS", 1)
    assert backup.make_backup(path, gentle=True) is not None
    assert seen and set(seen) == {io_priority.IDLE}  # each step and the last sync
    assert io_priority.current() == before
    seen.clear()
    assert backup.make_backup(path) is not None
    assert seen and set(seen) == {before}


def test_the_idle_class_is_given_back_when_the_copy_fails(tmp_path: Path) -> None:
    """An error inside leaves the thread in the class it had."""
    from annotator.storage.sqlite import io_priority

    before = io_priority.current()
    if before is None:
        pytest.skip("this system has no per-thread I/O priority to read (not Linux)")
    with pytest.raises(RuntimeError), io_priority.idle() as done:
        assert done and io_priority.current() == io_priority.IDLE
        raise RuntimeError("the disk is full")
    assert io_priority.current() == before


def test_restore_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    path = coded_project(tmp_path)
    assert cli.main(["backup", str(path)]) == 0
    with Project.open(path) as project:
        project.add_coder("ben")
    assert cli.main(["restore", str(path)]) == 0
    assert "  1  " in capsys.readouterr().out
    assert cli.main(["restore", str(path), "1"]) == 0
    with Project.open(path) as project:
        assert project.coders() == ["ana"]


EXPORTER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from annotator.services import actions
    from annotator.storage import Project
    with Project.open(sys.argv[1], read_only=True) as project:
        actions.export(project, "brat", Path(sys.argv[2]))
""")


def test_a_killed_brat_export_leaves_the_old_or_the_new_one_whole(tmp_path: Path) -> None:
    path = tmp_path / "many.annotator"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(1500):
        (corpus / f"{i:05}.txt").write_text(f"Title {i}\n\nPutin spoke {i}.", encoding="utf-8")
    with actions.new_project(path) as project:
        actions.import_paths(project, [corpus])
        for doc in project.all_document_ids():
            project.add_span(doc, "ana", "speaker", 0, 5)
    out = tmp_path / "brat"
    subprocess.run([sys.executable, "-c", EXPORTER, str(path), str(out)], check=True)
    whole = sorted(p.relative_to(out) for p in out.rglob("*"))
    rng = random.Random(7)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", EXPORTER, str(path), str(out)])
        time.sleep(rng.uniform(0.3, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == whole
    subprocess.run([sys.executable, "-c", EXPORTER, str(path), str(out)], check=True)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".brat")] == []


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 3 MB file system: a real 'disk full' for SQLite and for exports."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("needs root on Linux to mount a small tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_during_import_and_export_changes_nothing(
        tiny_disk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = coded_project(tiny_disk)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(400):
        (corpus / f"{i:04}.txt").write_text(f"T{i}\n\n" + f"{i} words " * 1000, encoding="utf-8")
    before = snapshot(tiny_disk)
    assert cli.main(["import", str(path), str(corpus)]) == 1
    assert "disk is full" in capsys.readouterr().err
    assert snapshot(tiny_disk) == before
    with Project.open(path) as project:
        project.import_documents([NewDocument(text="x" * 600_000)])
    stat = os.statvfs(tiny_disk)
    (tiny_disk / "filler").write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - 200_000))
    before = snapshot(tiny_disk)
    assert cli.main(["export", str(path), "--format", "jsonl", "-o",
                     str(tiny_disk / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "No space left on device" in err and len(err.strip().splitlines()) == 1
    assert snapshot(tiny_disk) == before


CODER = textwrap.dedent("""
    import sys
    from annotator.storage import Project
    path, coder = sys.argv[1], sys.argv[2]
    with Project.open(path) as project:
        ids = project.all_document_ids()
        for i in range(100000):
            span = project.add_span(ids[i % len(ids)], coder, "speaker", i % 40, i % 40 + 2)
            print(span.id, flush=True)  # acknowledged: the coder saw it saved
""")


def test_sigkill_while_coding_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "kill.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
    acknowledged: set[str] = set()
    rng = random.Random(11)
    for round_ in range(50):
        coders = [subprocess.Popen([sys.executable, "-c", CODER, str(path), f"c{round_}{k}"],
                                   stdout=subprocess.PIPE, text=True) for k in range(4)]
        time.sleep(rng.uniform(0.4, 0.9))
        for proc in coders:
            proc.send_signal(signal.SIGKILL)
        for proc in coders:
            out, _ = proc.communicate()
            acknowledged |= {line for line in out.split("\n") if len(line) == 36}
    with Project.open(path) as project:
        stored = {s.id for s in project.iter_spans()}
        assert project.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert acknowledged and acknowledged <= stored
