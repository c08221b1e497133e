"""Office files read on worker processes give the import exactly what reading them here
gives, in the same order; a reader's error names its file and changes nothing; a cancel
stops the readers and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import Cancelled, ImportFailed
from annotator.services import actions, reading


def _folder(tmp_path: Path, broken: bool = False) -> Path:
    import docx

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(7):
        document = docx.Document()
        document.add_paragraph(f"Headline {i}: the Kremlin answers 😀")
        document.add_paragraph(f"Paragraph of article {i}, with é and a quote “{i}”.")
        document.save(str(folder / f"{i:02d}.docx"))
        (folder / f"{i:02d}b.txt").write_text(f"Text {i}\n\nA plain article {i}.\r\nEnd.",
                                              encoding="utf-8")
    if broken:
        (folder / "03c.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    return folder


def _imported(tmp_path: Path, name: str, folder: Path, parallel_from: int,
              monkeypatch: pytest.MonkeyPatch, **options: object):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reading, "PARALLEL_FILES", parallel_from)
    project = actions.new_project(tmp_path / f"{name}.annotator")
    result = actions.import_paths(project, [folder], **options)  # type: ignore[arg-type]
    return project, result


def test_readers_give_what_reading_here_gives(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading.os, "cpu_count", lambda: 2)
    folder = _folder(tmp_path)
    used = []
    on_readers = reading._on_readers
    monkeypatch.setattr(reading, "_on_readers", lambda *a: used.append(1) or on_readers(*a))
    here, here_result = _imported(tmp_path, "here", folder, 10**6, monkeypatch)
    assert not used
    there, there_result = _imported(tmp_path, "there", folder, 1, monkeypatch)
    assert used  # the second import went through the readers
    assert here_result.added == there_result.added == 14
    shown = [(d.title, d.text, d.source_path) for d in
             (here.document(i) for i in here.all_document_ids())]
    assert shown == [(d.title, d.text, d.source_path) for d in
                     (there.document(i) for i in there.all_document_ids())]
    assert [(f.name, f.found, f.imported) for f in here_result.files] == \
        [(f.name, f.found, f.imported) for f in there_result.files]


def test_a_readers_error_names_the_file_and_nothing_is_imported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading.os, "cpu_count", lambda: 2)
    folder = _folder(tmp_path, broken=True)
    project = actions.new_project(tmp_path / "p.annotator")
    monkeypatch.setattr(reading, "PARALLEL_FILES", 1)
    with pytest.raises(ImportFailed, match="03c.docx"):
        actions.import_paths(project, [folder])
    assert project.document_count() == 0


def test_a_cancel_stops_the_readers_and_nothing_is_imported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading.os, "cpu_count", lambda: 2)
    folder = _folder(tmp_path)
    project = actions.new_project(tmp_path / "p.annotator")
    monkeypatch.setattr(reading, "PARALLEL_FILES", 1)
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(Cancelled):
        actions.import_paths(project, [folder], cancelled=cancelled)
    assert project.document_count() == 0
