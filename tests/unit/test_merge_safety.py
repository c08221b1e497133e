"""A merge never replaces a team's finished or newer work silently, never mixes two copies in
which one coder went two ways, and never takes work coded under the wrong name in a package
as the package's coder's or anyone else's without being told: it lists what it would do,
refuses (writing nothing) while anything is left to settle, and backs up before it
replaces work."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Status
from annotator.services import actions, study
from annotator.services.actions import copy_project
from annotator.storage import Project
from tests.conftest import run_cli
from tests.unit.test_study import corpus

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


@pytest.fixture
def main(new_location):  # type: ignore[no-untyped-def]
    location = new_location("main")
    with actions.new_project(location) as project:
        project.import_documents(corpus(4))
        study.assign(project, ["ana", "ben"], per_document=1, seed=3)
    return location


def package_of(main, coder: str, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    path = folder / f"{coder}.annotator"
    with Project.open(main, read_only=True) as project:
        study.package(project, coder, path)
    return path


def finish(project: Project, coder: str, doc: int, spans: int, status: Status = Status.DONE
           ) -> None:
    for k in range(spans):
        project.add_span(doc, coder, "speaker", k, k + 3 + (k % 2), label=None)
    project.set_variable(doc, coder, "tone", "negative")
    project.set_status(doc, coder, status)


def everything(project: Project) -> list[tuple]:  # type: ignore[type-arg]
    return sorted((s.document_id, s.coder, s.start, s.end, s.label) for s in project.iter_spans())


def test_work_coded_under_the_wrong_name_in_a_package_is_refused(main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """ben's package opened as ana (the old bug): her name on his documents. The merge used
    to replace ana's finished document; now it names the work and writes nothing."""
    ana_pkg = package_of(main, "ana", tmp_path)
    ben_pkg = package_of(main, "ben", tmp_path)
    with Project.open(ana_pkg) as package:
        ana_doc = package.assigned("ana")[0]
        finish(package, "ana", ana_doc, 5)
    with Project.open(main) as target:
        study.merge_projects(target, [ana_pkg])
        before = everything(target)
    with Project.open(ben_pkg) as package:
        ben_doc = package.assigned("ben")[0]
        finish(package, "ana", ben_doc, 3, Status.IN_PROGRESS)  # coded under ana's name
    with Project.open(main) as target:
        with pytest.raises(AnnotatorError, match="ben's package, but this is ana's work"):
            study.merge_projects(target, [ben_pkg])
        assert everything(target) == before
        result = study.merge_projects(target, [ben_pkg], {"ben.annotator": {"ana": "ben"}})
        assert result.counts()["add"] == 1
        assert {s.coder for s in target.iter_spans()} == {"ana", "ben"}
        assert [s for s in everything(target) if s[1] == "ana"] == \
            [s for s in before if s[1] == "ana"]


def test_finished_work_is_not_replaced_by_unfinished_without_being_told(
        main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ana_pkg = package_of(main, "ana", tmp_path)
    with Project.open(ana_pkg) as package:
        doc = package.assigned("ana")[0]
        finish(package, "ana", doc, 4)
    with Project.open(main) as target:
        study.merge_projects(target, [ana_pkg])
        before = everything(target)
    with Project.open(ana_pkg) as package:  # she reopens it and starts over
        for span in package.spans(doc, "ana")[:2]:
            package.delete_span(span.id)
        package.set_status(doc, "ana", Status.IN_PROGRESS)
    with Project.open(main) as target:
        with pytest.raises(AnnotatorError, match="unfinished work"):
            study.merge_projects(target, [ana_pkg])
        assert everything(target) == before
        result = study.merge_projects(target, [ana_pkg], theirs=["ana"])
        assert result.replaced == 1 and len(everything(target)) == len(before) - 2
        if not target.on_server:
            assert result.backup and Path(result.backup).is_file()
            with Project.open(result.backup, read_only=True) as backup:
                assert everything(backup) == before  # what was replaced is kept there


def test_two_copies_that_changed_one_coders_work_differently_conflict(
        main, tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    """Both copies start from the same merged state; the first merged is a later round of
    it, the second is not a later round of the first: a conflict, not a silent winner."""
    ben_pkg = package_of(main, "ben", tmp_path)
    with Project.open(ben_pkg) as package:
        doc = package.assigned("ben")[0]
        finish(package, "ben", doc, 3, Status.IN_PROGRESS)
    with Project.open(main) as target:
        study.merge_projects(target, [ben_pkg])
        doc_here = target.assigned("ben")[0]
    one, two = tmp_path / "one.annotator", tmp_path / "two.annotator"
    copy_project(main, one)
    copy_project(main, two)
    with Project.open(one) as copy:
        span = copy.spans(doc_here, "ben")[0]
        copy.update_span(span.id, label=None, memo="checked in copy one")
    with Project.open(two) as copy:
        copy.delete_span(copy.spans(doc_here, "ben")[1].id)
    with Project.open(main) as target:
        assert study.merge_projects(target, [one]).replaced == 1
        before = everything(target)
        with pytest.raises(AnnotatorError, match="changed on both sides"):
            study.merge_projects(target, [two])
        assert everything(target) == before
        plan = study.merge_projects(target, [two], dry_run=True)
        assert [d.action for d in plan.decisions] == ["conflict"]


def test_three_rounds_with_deletions_end_as_the_package(main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ben_pkg = package_of(main, "ben", tmp_path)
    with Project.open(ben_pkg) as package:
        docs = package.assigned("ben")
        for doc in docs:
            finish(package, "ben", doc, 3, Status.IN_PROGRESS)
    for round_ in (2, 3):
        with Project.open(main) as target:
            study.merge_projects(target, [ben_pkg])
        with Project.open(ben_pkg) as package:
            for doc in docs:
                doomed = package.spans(doc, "ben")[0]
                package.delete_span(doomed.id)
                if round_ == 3:
                    package.set_status(doc, "ben", Status.DONE)
    with Project.open(main) as target:
        result = study.merge_projects(target, [ben_pkg])
        assert result.counts()["conflict"] == 0 and result.replaced == len(docs)
        mine = sorted((s.start, s.end) for s in target.iter_spans(coders=["ben"]))
    with Project.open(ben_pkg) as package:
        assert mine == sorted((s.start, s.end) for s in package.iter_spans(coders=["ben"]))
        assert len(mine) == len(docs)


def test_dry_run_lists_every_decision_and_writes_nothing(main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ana_pkg = package_of(main, "ana", tmp_path)
    with Project.open(ana_pkg) as package:
        for doc in package.assigned("ana"):
            finish(package, "ana", doc, 2)
    with Project.open(main) as target:
        before = target.info()
    code, out, err = run_cli("merge", str(main), str(ana_pkg), "--dry-run")
    assert code == 0, err
    assert out.count(": add") == len(package_assigned(ana_pkg)) and "nothing was written" in out
    with Project.open(main) as target:
        assert target.info() == before
    code, out, err = run_cli("merge", str(main), str(ana_pkg))
    assert code == 0 and "coders' documents added" in out, err


def package_assigned(path: Path) -> list[int]:
    with Project.open(path, read_only=True) as package:
        return package.assigned(package.study_setting("package_of"))


def test_an_older_copy_of_a_package_does_not_undo_a_later_round(main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    ana_pkg = package_of(main, "ana", tmp_path)
    with Project.open(ana_pkg) as package:
        doc = package.assigned("ana")[0]
        finish(package, "ana", doc, 2, Status.IN_PROGRESS)
    stale = tmp_path / "ana-mailed-last-week.annotator"
    shutil.copy(ana_pkg, stale)  # the same file, as it was then
    with Project.open(ana_pkg) as package:
        package.add_span(doc, "ana", "demand", 0, 4)
    with Project.open(main) as target:
        study.merge_projects(target, [ana_pkg])
        before = everything(target)
        with pytest.raises(AnnotatorError, match="older work"):
            study.merge_projects(target, [stale])
        assert everything(target) == before
