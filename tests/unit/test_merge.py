"""Merging coders' projects: the same result as coding in one project, idempotent, conflicts
reported with nothing written, scheme differences checked first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.agreement.render import to_json
from annotator.domain.errors import AnnotatorError, SchemeError
from annotator.domain.model import Status
from annotator.services import actions, study
from annotator.services.actions import copy_project
from annotator.storage import Project
from tests.conftest import SEEDS, run_cli

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

STAMP = "2022-03-01T10:00:00.000Z"


def code(project: Project, coder: str, shift: int, tag: str = "") -> None:
    """Deterministic coding: fixed span ids and times, so two projects can be compared.
    ``tag`` changes the ids, as coding the same text again on another laptop would."""
    for doc in project.all_document_ids():
        text = project.document(doc).text
        at = text.index("Putin")
        speaker = project.add_span(doc, coder, "speaker", at, at + 5 + shift,
                                   attributes={"actor": "putin"},
                                   span_id=f"{tag}{coder}-{doc}-speaker", created_at=STAMP,
                                   updated_at=STAMP)
        at = text.index("NATO")
        project.add_span(doc, coder, "accusation", at, at + 4, attributes={
            "accuser": speaker.id}, span_id=f"{tag}{coder}-{doc}-acc", created_at=STAMP,
            updated_at=STAMP)
        project.set_variable(doc, coder, "tone", "negative" if (doc + shift) % 2 else "neutral")
        project.set_status(doc, coder, Status.DONE)


def base(new_location, name: str) -> Path | str:  # type: ignore[no-untyped-def]
    path = new_location(name)
    with actions.new_project(path) as project:
        actions.import_paths(project, [SEEDS])
    return path


def exports(project: Project, folder: Path) -> dict[str, str]:
    folder.mkdir()
    out = {}
    for fmt, name in (("spans-csv", "s.csv"), ("matrix-csv", "m.csv"), ("jsonl", "d.jsonl")):
        actions.export(project, fmt, folder / name)
        out[fmt] = (folder / name).read_text(encoding="utf-8")
    report = json.loads(to_json(actions.agreement_report(project, bootstrap_samples=200)))
    out["agreement"] = json.dumps(report["results"], sort_keys=True)
    return out


def test_merged_copies_equal_one_shared_project(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    shared_path = base(new_location, "shared")
    ana_path = new_location("ana")  # the target, on the engine under test
    ben_path = tmp_path / "ben.annotator"  # a laptop's file
    copy_project(shared_path, ana_path)
    copy_project(shared_path, ben_path)
    with Project.open(shared_path) as shared:
        code(shared, "ana", 0)
        code(shared, "ben", 1)
        expected = exports(shared, tmp_path / "one")
    with Project.open(ana_path) as project:
        code(project, "ana", 0)
    with Project.open(ben_path) as project:
        code(project, "ben", 1)
    with Project.open(ana_path) as target:
        result = study.merge_projects(target, [ben_path])
        assert (result.documents_added, result.spans_added) == (0, 10)
        assert exports(target, tmp_path / "merged") == expected
        again = study.merge_projects(target, [ben_path])
        assert (again.documents_added, again.spans_added, again.values_added) == (0, 0, 0)


def test_new_documents_come_along_and_links_survive(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    target_path, source_path = base(new_location, "t"), tmp_path / "s.annotator"
    with actions.new_project(source_path) as source:
        (tmp_path / "extra.txt").write_text("Extra\n\nPutin said NATO lied.", encoding="utf-8")
        actions.import_paths(source, [SEEDS, tmp_path / "extra.txt"])
        code(source, "cem", 0)
    with Project.open(target_path) as target:
        result = study.merge_projects(target, [source_path])
        assert result.documents_added == 1 and target.document_count() == 6
        accusations = [s for s in target.iter_spans() if s.category == "accusation"]
        assert all(target.span(s.attributes["accuser"]).category == "speaker"
                   for s in accusations)


def test_conflicting_work_is_reported_and_nothing_is_written(tmp_path: Path,
                                                            new_location) -> None:  # type: ignore[no-untyped-def]
    shared = base(new_location, "shared")
    other = tmp_path / "other.annotator"
    copy_project(shared, other)
    with Project.open(shared) as project:
        code(project, "ana", 0)
    with Project.open(other) as project:
        code(project, "ana", 1, tag="laptop-")  # the same coder name, different work
        project.add_span(1, "ben", "speaker", 0, 3)
    with Project.open(shared) as target:
        before = target.info()
        with pytest.raises(AnnotatorError, match=r"nothing was merged: \d+ conflict") as info:
            study.merge_projects(target, [other])
        assert "ana" in str(info.value) and "--rename" in str(info.value)
        assert target.info() == before
        result = study.merge_projects(target, [other], renames={"ana": "ana-laptop"})
        assert result.spans_added == 11
        assert "ana-laptop" in target.coders() and "ben" in target.coders()


def test_scheme_differences_are_checked_before_writing(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    target_path = base(new_location, "t")
    source_path = tmp_path / "s.annotator"
    scheme_file = tmp_path / "scheme.yaml"
    text = (Path(__file__).resolve().parents[2] / "schemas" / "russia-nato.yaml").read_text(
        encoding="utf-8")
    scheme_file.write_text(text.replace("key: source_outlet", "key: outlet_named"),
                           encoding="utf-8")
    with actions.new_project(source_path, scheme_file) as source:
        actions.import_paths(source, [SEEDS])
        source.add_span(1, "cem", "outlet_named", 0, 3)
    with Project.open(target_path) as target:
        with pytest.raises(SchemeError, match="outlet_named"):
            study.merge_projects(target, [source_path])
        assert target.info()["spans"] == 0


def test_merge_cli(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    shared = base(new_location, "shared")
    other = tmp_path / "other.annotator"
    copy_project(shared, other)
    with Project.open(other) as project:
        code(project, "ben", 0)
    code_, out, err = run_cli("merge", str(shared), str(other))
    assert code_ == 0, err
    assert "merged: 0 new documents, 10 spans, 5 variable values" in out
    assert run_cli("merge", str(shared), str(shared))[0] == 1
    assert run_cli("merge", str(shared), str(other), "--rename", "nonsense")[0] == 1
