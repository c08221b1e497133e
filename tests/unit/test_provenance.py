"""Where each span came from (#29): by hand, or with help (a search's auto-coding, an accepted
suggestion). It is kept through undo, copies and exports, read back from JSONL, and the
agreement report counts such spans or leaves them out, on both engines."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.model import NewDocument, Status
from annotator.services import actions
from annotator.storage import Project

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


def _two_coders(project: Project) -> tuple[int, str]:
    """ana and ben code the same speakers by hand; ben also auto-codes one more."""
    doc = project.all_document_ids()[0]
    text = project.document(doc).text
    at = text.index("Putin")
    for coder in ("ana", "ben"):
        project.add_span(doc, coder, "speaker", at, at + 5)
        project.set_status(doc, coder, Status.DONE)
    extra = text.index("NATO")
    (auto,) = project.add_spans("ben", "speaker", [(doc, extra, extra + 4)])
    return doc, auto.id


def test_spans_say_where_they_came_from_through_undo(project: Project) -> None:
    doc, auto = _two_coders(project)
    origins = {s.coder: set() for s in project.spans(doc)}
    for span in project.spans(doc):
        origins[span.coder].add(span.origin)
    assert origins == {"ana": {""}, "ben": {"", "auto-code"}}
    deleted = project.delete_span(auto)
    assert project.restore_span(deleted).origin == "auto-code"  # undo keeps it
    assert project.span(auto).origin == "auto-code"


def test_exports_carry_it_and_jsonl_brings_it_back(project: Project, tmp_path: Path,
                                                   new_location) -> None:  # type: ignore[no-untyped-def]
    _, auto = _two_coders(project)
    actions.export(project, "spans-csv", tmp_path / "spans.csv")
    with open(tmp_path / "spans.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["span_id"]: r["origin"] for r in rows}[auto] == "auto-code"
    assert sorted(r["origin"] for r in rows) == ["", "", "auto-code"]
    actions.export(project, "jsonl", tmp_path / "all.jsonl")
    spans = [s for line in (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
             for work in json.loads(line).get("coders", {}).values() for s in work["spans"]]
    assert [s.get("origin") for s in spans if s["id"] == auto] == ["auto-code"]
    copy = actions.new_project(new_location("copy"))
    actions.import_paths(copy, [tmp_path / "all.jsonl"])
    assert copy.span(auto).origin == "auto-code"
    assert {s.origin for s in copy.iter_spans() if s.id != auto} == {""}
    copy.close()


def test_agreement_counts_assisted_spans_or_leaves_them_out(project: Project) -> None:
    _two_coders(project)
    with_help = actions.agreement_report(project, bootstrap_samples=0, category="speaker")
    without = actions.agreement_report(project, bootstrap_samples=0, category="speaker",
                                       without_assisted=True)
    assert "1 span made with help (auto-coding, accepted suggestions) are counted" in \
        with_help.rules
    assert "1 span made with help (auto-coding, accepted suggestions) left out" in \
        without.rules

    def f1(report):  # type: ignore[no-untyped-def]
        return next(r.result.value for r in report.rows if r.target == "speaker"
                    and r.result.name == "span_f1_exact")

    assert f1(without) == 1.0 > f1(with_help)  # the two coders agree on what they coded


@pytest.mark.sqlite_only
def test_a_project_of_version_10_opens_with_every_span_by_hand(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    project = actions.new_project(path)
    project.import_documents([NewDocument(text="Putin said no.", title="t")])
    project.add_span(1, "ana", "speaker", 0, 5)
    project.close()
    conn = sqlite3.connect(path)  # as annotator before version 11 left it
    conn.execute("ALTER TABLE spans DROP COLUMN origin")
    conn.execute("DROP INDEX documents_list")  # version 12's
    conn.execute("PRAGMA user_version = 10")
    conn.commit()
    conn.close()
    with Project.open(path) as reopened:
        assert [s.origin for s in reopened.iter_spans()] == [""]


def test_brat_and_refi_qda_carry_it_and_refi_qda_brings_it_back(
        project: Project, tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    _, auto = _two_coders(project)
    actions.export(project, "brat", tmp_path / "brat")
    notes = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "brat").rglob("*.ann"))
    assert notes.count("origin: auto-code") == 1
    actions.export(project, "qdpx", tmp_path / "p.qdpx")
    copy = actions.new_project(new_location("refi"))
    actions.import_paths(copy, [tmp_path / "p.qdpx"])
    assert copy.span(auto).origin == "auto-code"
    assert {s.origin for s in copy.iter_spans() if s.id != auto} == {""}
    copy.close()
