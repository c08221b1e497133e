"""Commits made durable off the committing thread (storage/sqlite/durable.py): the window's
connection commits without waiting for the disk, and a thread of its own fsyncs the -wal
and says when it has."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from annotator.domain.model import NewDocument
from annotator.services import actions
from annotator.storage import Project
from annotator.storage.sqlite import durable


@pytest.fixture
def coded(tmp_path: Path):  # type: ignore[no-untyped-def]
    project = actions.new_project(tmp_path / "p.annotator")
    project.import_documents([NewDocument(text="Putin spoke to Stoltenberg. " * 20)])
    yield project, project.all_document_ids()[0]
    project.close()


def test_each_commit_is_synced_on_a_thread_of_its_own(coded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project, doc = coded
    assert project.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL until asked
    synced_files: list[tuple[str, str]] = []
    real = durable._datasync

    def datasync(fd: int) -> None:
        synced_files.append((threading.current_thread().name, os.readlink(f"/proc/self/fd/{fd}")))
        real(fd)

    monkeypatch.setattr(durable, "_datasync", datasync)
    told: list[tuple[int, str | None]] = []
    syncer = project.sync_off_thread(lambda n, e: told.append((n, e)))
    assert syncer is not None
    assert project.db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL: no fsync
    for i in range(5):
        project.add_span(doc, "ana", "speaker", i, i + 3)
    assert syncer.wait(10)
    assert syncer.asked == 5 and syncer.pending == 0
    assert told[-1] == (5, None)  # the last covers all five (earlier ones may share a sync)
    assert all(error is None for _, error in told)
    wal = str(project.path.resolve()) + "-wal"
    assert synced_files and all(f == ("wal-sync", wal) for f in synced_files)


def test_a_disk_that_refuses_is_said_with_the_file(coded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project, doc = coded

    def refuse(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(durable, "_datasync", refuse)
    told: list[tuple[int, str | None]] = []
    syncer = project.sync_off_thread(lambda n, e: told.append((n, e)))
    project.add_span(doc, "ana", "speaker", 0, 3)
    assert syncer is not None and syncer.wait(10)
    refused = f"{project.path}-wal: the disk did not take it ({os.strerror(errno.EIO)})"
    assert told == [(1, refused)] and syncer.failed == refused
    monkeypatch.setattr(durable, "_datasync", lambda fd: None)  # the disk answers again
    project.add_span(doc, "ana", "speaker", 4, 6)
    assert syncer.wait(10)
    assert told[-1] == (2, refused)  # what it refused may be gone: still not saved


def test_closing_waits_for_the_last_sync(coded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project, doc = coded
    release = threading.Event()
    real = durable._datasync

    def slow(fd: int) -> None:
        release.wait(10)
        real(fd)

    monkeypatch.setattr(durable, "_datasync", slow)
    syncer = project.sync_off_thread(lambda n, e: None)
    assert syncer is not None
    project.add_span(doc, "ana", "speaker", 0, 3)
    assert not syncer.wait(0.05) and syncer.pending == 1  # the disk has not answered
    threading.Timer(0.1, release.set).start()
    syncer.close()
    assert syncer.pending == 0


def test_the_wals_folder_is_synced_once(coded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    project, doc = coded
    folders: list[Path] = []
    monkeypatch.setattr(durable, "sync_path", folders.append)
    syncer = project.sync_off_thread(lambda n, e: None)
    assert syncer is not None
    for i in range(3):
        project.add_span(doc, "ana", "speaker", i, i + 3)
        assert syncer.wait(10)
    assert folders == [project.path.parent]


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="Linux shows locks in /proc")
def test_syncing_keeps_sqlites_locks(coded) -> None:  # type: ignore[no-untyped-def]
    """POSIX drops all of a process's locks on a file when any descriptor of it closes. The
    syncer opens and closes the -wal, which SQLite never locks: the file's and the -shm's
    locks, which keep another program from removing the -wal, stay."""
    project, doc = coded
    syncer = project.sync_off_thread(lambda n, e: None)
    assert syncer is not None

    inodes = {os.stat(f"{project.path}{end}").st_ino for end in ("", "-wal", "-shm")}

    def locks() -> list[tuple[int, str, str]]:  # this process's on this project's files
        mine = []
        with open("/proc/locks", encoding="ascii") as table:
            for line in table:
                fields = line.split()
                inode = int(fields[5].split(":")[2])
                if fields[4] == str(os.getpid()) and inode in inodes:
                    mine.append((inode, fields[6], fields[7]))
        return sorted(mine)

    project.db.execute("BEGIN")  # a read under way holds a read mark in the -shm too
    project.db.execute("SELECT count(*) FROM spans").fetchone()
    before = locks()
    locked = {inode for inode, _, _ in before}  # the file's and the -shm's, not the -wal's
    assert locked == inodes - {os.stat(f"{project.path}-wal").st_ino}
    syncer._sync()
    syncer.close()  # which closes its descriptor of the -wal
    assert locks() == before
    project.db.execute("COMMIT")


def test_a_read_only_project_is_not_synced_behind(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    actions.new_project(path).close()
    with Project.open(path, read_only=True) as project:
        assert project.sync_off_thread(lambda n, e: None) is None
