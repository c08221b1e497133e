"""Memos on spans and documents: stored per coder, restored by undo, carried by merge (first
and later rounds, conflicts reported), written to every export that has a place for them
(spans CSV, document table, JSONL, REFI-QDA notes valid against the official schema, brat
notes) and read back from JSONL and REFI-QDA."""

from __future__ import annotations

import csv
import json
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from annotator.domain.errors import AnnotatorError
from annotator.services import actions, study
from annotator.storage import Project
from tests.conftest import SEEDS
from tests.unit.test_clients import XSD

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

MEMO = "Quoted second-hand:\nsee the AP wire 😀, “not” Reuters\ttab"
Q = "{urn:QDA-XML:project:1.0}"


@pytest.fixture
def memoed(project: Project) -> Project:
    text = project.document(1).text
    at = text.index("Putin")
    span = project.add_span(1, "ana", "speaker", at, at + 5)
    project.update_span(span.id, memo=MEMO)
    project.add_span(1, "ana", "demand", 0, 4)  # no memo
    project.set_document_memo(1, "ana", "Check the date: the wire says 2 Feb.")
    project.set_document_memo(2, "ben", "Ben's own note")
    return project


def test_memos_are_each_coders_own(memoed: Project) -> None:
    speaker = next(s for s in memoed.spans(1, "ana") if s.category == "speaker")
    assert speaker.memo == MEMO
    assert memoed.document_memo(1, "ana").startswith("Check the date")
    assert memoed.document_memo(1, "ben") == "" and memoed.document_memo(2, "ben")
    memoed.set_document_memo(2, "ben", "  \n")  # emptied: gone
    assert memoed.document_memo(2, "ben") == ""
    assert memoed.documents_with_work([3]) == set()
    memoed.set_document_memo(3, "cem", "only a memo")  # is work: never removed as a duplicate
    assert memoed.documents_with_work([3]) == {3}


def test_a_deleted_span_comes_back_with_its_memo(memoed: Project) -> None:
    speaker = next(s for s in memoed.spans(1, "ana") if s.category == "speaker")
    gone = memoed.delete_span(speaker.id)
    memoed.restore_span(gone)
    assert memoed.span(speaker.id).memo == MEMO
    memoed.update_span(speaker.id, memo="")
    assert memoed.span(speaker.id).memo == ""


def test_work_without_memos_keeps_its_merge_hash(project: Project) -> None:
    """Projects merged before memos existed stored hashes of work without them: those must
    still match, or the next round would see every document as changed."""
    from annotator.storage.study import work_digest

    span = project.add_span(1, "ana", "speaker", 0, 4)
    before = work_digest([(span.id, "speaker", None, 0, 4, {})], {},
                         project.status(1, "ana"))
    assert project.work_hash(1, "ana") == before
    project.update_span(span.id, memo="x")
    assert project.work_hash(1, "ana") != before
    project.update_span(span.id, memo="")
    project.set_document_memo(1, "ana", "y")
    assert project.work_hash(1, "ana") != before


def test_merge_carries_memos_in_every_round(tmp_path: Path) -> None:
    shared = tmp_path / "shared.annotator"
    with actions.new_project(shared) as p:
        actions.import_paths(p, [SEEDS])
    ana = tmp_path / "ana.annotator"
    shutil.copy(shared, ana)
    with Project.open(ana) as p:
        span = p.add_span(1, "ana", "speaker", 0, 4)
        p.update_span(span.id, memo="first")
        p.set_document_memo(1, "ana", "doc first")
    with Project.open(shared) as target:
        study.merge_projects(target, [ana])
        assert target.span(span.id).memo == "first"
        assert target.document_memo(1, "ana") == "doc first"
    with Project.open(ana) as p:  # round two: ana edits her memos on her laptop
        p.update_span(span.id, memo="second")
        p.set_document_memo(1, "ana", "doc second")
    with Project.open(shared) as target:
        study.merge_projects(target, [ana])
        assert target.span(span.id).memo == "second"
        assert target.document_memo(1, "ana") == "doc second"
        target.set_document_memo(1, "ana", "changed here too")  # both sides change it
    with Project.open(ana) as p:
        p.set_document_memo(1, "ana", "doc third")
    with Project.open(shared) as target:
        with pytest.raises(AnnotatorError, match="memo on document 1 differs"):
            study.merge_projects(target, [ana])
        assert target.document_memo(1, "ana") == "changed here too"  # nothing written


def test_memos_in_csv_table_and_jsonl_round_trip(memoed: Project, tmp_path: Path) -> None:
    actions.export(memoed, "spans-csv", tmp_path / "s.csv")
    rows = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8", newline="")))
    assert {r["memo"] for r in rows} == {MEMO, ""}
    actions.export(memoed, "matrix-csv", tmp_path / "m.csv")
    table = list(csv.DictReader((tmp_path / "m.csv").open(encoding="utf-8", newline="")))
    assert {(r["doc_id"], r["coder"]): r["memo"] for r in table}[("1", "ana")].startswith(
        "Check the date")
    actions.export(memoed, "jsonl", tmp_path / "d.jsonl")
    first = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["coders"]["ana"]["memo"].startswith("Check the date")
    fresh = actions.new_project(tmp_path / "fresh.annotator")
    actions.import_paths(fresh, [tmp_path / "d.jsonl"])
    assert {s.memo for s in fresh.spans(1, "ana")} == {MEMO, ""}
    assert fresh.document_memo(1, "ana") == memoed.document_memo(1, "ana")
    assert fresh.document_memo(2, "ben") == "Ben's own note"


def test_memos_as_refi_qda_notes_valid_and_read_back(memoed: Project, tmp_path: Path) -> None:
    path = tmp_path / "m.qdpx"
    actions.export(memoed, "qdpx", path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("project.qde").decode("utf-8")
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    root = ET.fromstring(xml)
    notes = {n.get("guid"): n.findtext(f"{Q}PlainTextContent") for n in root.iter(f"{Q}Note")}
    selection = next(s for s in root.iter(f"{Q}PlainTextSelection")
                     if s.find(f"{Q}NoteRef") is not None)
    assert notes[selection.find(f"{Q}NoteRef").get("targetGUID")] == MEMO  # the segment memo
    fresh = actions.new_project(tmp_path / "fresh.annotator")
    actions.import_paths(fresh, [path])
    assert {s.memo for s in fresh.spans(1, "ana")} == {MEMO, ""}
    assert fresh.document_memo(1, "ana").startswith("Check the date")


def test_memos_as_brat_notes_on_one_line(memoed: Project, tmp_path: Path) -> None:
    actions.export(memoed, "brat", tmp_path / "brat")
    ann = (tmp_path / "brat" / "ana" / "doc000001.ann").read_text(encoding="utf-8")
    notes = [line for line in ann.splitlines() if "\tAnnotatorNotes " in line
             and "\tmemo: " in line]
    assert len(notes) == 1
    assert notes[0].endswith("memo: " + " ".join(MEMO.replace("\t", " ").split("\n")))


def test_a_coders_package_carries_their_memos_and_nobody_elses(memoed: Project,
                                                               tmp_path: Path) -> None:
    memoed.add_span(2, "ben", "speaker", 0, 4)
    study.package(memoed, "ana", tmp_path / "ana.annotator")
    with Project.open(tmp_path / "ana.annotator", read_only=True) as package:
        first = package.all_document_ids()[0]
        assert package.document_memo(first, "ana").startswith("Check the date")
        assert {s.memo for s in package.iter_spans()} == {MEMO, ""}
        assert package.memos() and {m[4] for m in package.memos()} == {"ana"}
