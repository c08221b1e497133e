"""Automatic backups: rotating copies of a project made with SQLite's online backup API.

A copy is consistent even while the project is open and being coded (a plain file copy can
miss what is still in the ``-wal`` file). Backups live in the data folder
(``<data>/backups/<project name>-<short hash of its path>/``) or, by setting, in a
``<project>.backups`` folder beside the project; the newest ``keep`` are kept.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from annotator import paths
from annotator.domain.errors import ProjectError
from annotator.storage.sqlite import database
from annotator.storage.sqlite.durable import sync_path

SUFFIX = ".annotator-backup"


@dataclass(frozen=True)
class Backup:
    path: Path
    made: datetime
    size: int

    def __str__(self) -> str:
        return f"{self.made:%Y-%m-%d %H:%M:%S}  {self.size / 1e6:8.1f} MB  {self.path}"


def backup_folder(project: Path, beside: bool = False) -> Path:
    project = project.resolve()
    if beside:
        return project.with_name(project.name + ".backups")
    digest = hashlib.sha256(str(project).encode("utf-8")).hexdigest()[:10]
    return paths.user_data_dir() / "backups" / f"{project.stem}-{digest}"


def list_backups(project: Path, beside: bool = False) -> list[Backup]:
    """Newest first."""
    folder = backup_folder(project, beside)
    found = []
    for path in folder.glob(f"*{SUFFIX}") if folder.is_dir() else ():
        stat = path.stat()
        found.append(Backup(path, datetime.fromtimestamp(stat.st_mtime), stat.st_size))
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def make_backup(project: Path, *, keep: int = 10, beside: bool = False,
                min_age_seconds: float = 0) -> Backup | None:
    """Copy the project now (its own connection, so it can run off the UI thread); drop
    all but the newest ``keep``. None if the newest is younger than ``min_age_seconds``."""
    existing = list_backups(project, beside)
    if existing and time.time() - existing[0].path.stat().st_mtime < min_age_seconds:
        return None
    folder = backup_folder(project, beside)
    folder.mkdir(parents=True, exist_ok=True)
    _drop_unfinished(folder, project)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{project.stem}-{stamp}{SUFFIX}"
    tmp = target.with_name(f".{target.name}.tmp")
    source = database.connect(project, read_only=True).conn
    try:
        copy = sqlite3.connect(tmp)
        try:
            with _written_as_it_goes(tmp):
                source.backup(copy)  # one step: a step at a time restarts at every commit
        finally:
            copy.close()
        sync_path(tmp)  # on the disk before it has the name, which says it is whole
        os.replace(tmp, target)
        sync_path(folder)
    except (sqlite3.Error, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise ProjectError(f"{target}: cannot write the backup ({exc})") from None
    finally:
        source.close()
    for old in list_backups(project, beside)[max(keep, 1):]:
        old.path.unlink(missing_ok=True)
    stat = target.stat()
    return Backup(target, datetime.fromtimestamp(stat.st_mtime), stat.st_size)


SYNC_EVERY_S = 0.25


@contextmanager
def _written_as_it_goes(path: Path) -> Iterator[None]:
    """Sync the copy every quarter second while SQLite writes it. Left to the system, a
    1 GB copy reaches the disk in one burst 30 s later, and every fsync meanwhile (each
    coding action's, on the syncer's thread) waited up to 0.8 s behind it."""
    done = threading.Event()

    def sync_while_written() -> None:
        while not done.wait(SYNC_EVERY_S):
            try:
                sync_path(path)
            except OSError:
                return  # the copy's own writes will say what is wrong

    thread = threading.Thread(target=sync_while_written, name="backup-sync", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


UNFINISHED_AFTER_S = 120  # a copy being written is touched far more often than this


def _drop_unfinished(folder: Path, project: Path) -> None:
    """Copies a window left unfinished (it was closed or killed while backing up on its
    thread): hidden, never listed, as large as the project; gone at the next backup."""
    for tmp in folder.glob(f".{project.stem}-*{SUFFIX}.tmp"):
        try:
            if time.time() - tmp.stat().st_mtime > UNFINISHED_AFTER_S:
                tmp.unlink()
        except OSError:
            pass  # another process's, or already gone


def restore_backup(backup: Path, project: Path, *, keep: int = 10, beside: bool = False
                   ) -> Backup | None:
    """Make ``project`` what ``backup`` holds. The project as it was is backed up first, so
    a restore can itself be undone. The project must not be open for coding meanwhile."""
    database.inspect_file(backup)
    saved = make_backup(project, keep=keep + 1, beside=beside) if project.exists() else None
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        target = database.connect(project, new=not project.exists()).conn
        try:
            source.backup(target)  # one step for SQLite: readers see old or new, never half
        finally:
            target.close()
    except sqlite3.Error as exc:
        raise ProjectError(f"{project}: cannot restore ({database.describe(exc)})") from None
    finally:
        source.close()
    return saved
