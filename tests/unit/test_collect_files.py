"""Which files a folder import takes, and in what order (#28 reads folders with
``os.scandir`` instead of ``Path.rglob``: the same files, in the same order)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.domain.errors import ImportFailed
from annotator.formats.importers import collect_files


def _tree(root: Path) -> None:
    for name in ["b.txt", "a.TXT", "a/z.csv", "a/b/c.jsonl", "a-b.txt", "a.b/x.docx",
                 ".hidden.txt", ".git/x.txt", "a/.cache/y.txt", "notes.md", "c/readme"]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    (root / "link.txt").symlink_to(root / "b.txt")  # a link to a file is taken
    (root / "folder_link").symlink_to(root / "a", target_is_directory=True)  # not followed


def test_a_folder_gives_what_rglob_gave_in_the_same_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*") if p.is_file()
                    and p.suffix.lower() in {".txt", ".csv", ".jsonl", ".docx"}
                    and not any(part.startswith(".") for part in p.relative_to(tmp_path).parts))
    found = collect_files([tmp_path])
    assert found == before
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/b/c.jsonl", "a/z.csv", "a-b.txt", "a.TXT", "a.b/x.docx", "b.txt", "link.txt"]


def test_an_unreadable_folder_is_named_not_passed_over(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "a.txt").write_text("x", encoding="utf-8")
    scandir = os.scandir

    def refusing(path: str):  # type: ignore[no-untyped-def]
        if path.endswith("locked"):  # what a folder without read permission answers
            raise PermissionError(13, "Permission denied")
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    with pytest.raises(ImportFailed, match="locked.*cannot read the folder"):
        collect_files([tmp_path])
