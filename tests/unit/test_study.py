"""A reliability study end to end: assign with a 20 % double-coded sample over three
coders, a package per coder, three rounds of coding (with edits and deletions) merged back,
then agreement, adjudication and export. Merging the rounds must give exactly the project
the three coders would have made working in one file."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from annotator import cli
from annotator.agreement.render import to_json
from annotator.domain.assignment import plan, sample_size
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import NewDocument, Status
from annotator.services import actions, study
from annotator.storage import Project

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

CODERS = ["ana", "ben", "cem"]
WORDS = ["Putin", "Biden", "Stoltenberg", "Lavrov", "Macron", "Zelensky"]


def corpus(n: int = 30) -> list[NewDocument]:
    return [NewDocument(text=f"{WORDS[i % 6]} spoke on day {i}. {WORDS[(i + 1) % 6]} replied "
                             f"that NATO would not move.", title=f"Article {i}",
                        outlet=("Tass", "Reuters", "AP")[i % 3], date=f"2022-0{1 + i % 3}-10")
            for i in range(n)]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways of working stamp the same times, so their exports can be byte-compared."""
    import annotator.storage.coding as coding

    monkeypatch.setattr(coding, "now", lambda: "2026-01-01T00:00:00.000Z")


def code_round(project: Project, coder: str, round_: int, person: str = "") -> None:
    """What a coder does in a round, decided by the text alone (ids differ between files)."""
    for doc in project.assigned(coder):
        text = project.document(doc).text
        digest = project.document(doc).content_hash
        key = uuid.uuid5(uuid.NAMESPACE_URL, f"{person or coder}/{digest}").hex
        first = text.split(" ")[0]
        shift = CODERS.index(coder) % 2  # ben's speaker span is one character shorter
        if round_ == 1:
            project.add_span(doc, coder, "speaker", 0, len(first) - shift,
                             span_id=f"{key[:8]}-{key[8:12]}-4{key[13:16]}-8{key[17:20]}-"
                                     f"{key[20:32]}",
                             attributes={"actor": "other"})
            at = text.index("NATO")
            project.add_span(doc, coder, "demand", at, at + 4, label="no_nato_expansion",
                             span_id=f"{key[:8]}-{key[8:12]}-4{key[13:16]}-9{key[17:20]}-"
                                     f"{key[20:32]}")
            project.set_variable(doc, coder, "tone", "negative")
            project.set_status(doc, coder, Status.IN_PROGRESS)
        elif round_ == 2:
            demand = next(s for s in project.spans(doc, coder) if s.category == "demand")
            if len(text) % 3 == 0:
                project.delete_span(demand.id)  # a deletion must travel
            else:
                project.update_span(demand.id, label="legally_binding_guarantees")
            project.set_variable(doc, coder, "tone", "neutral" if len(text) % 2 else "negative")
        else:
            project.set_status(doc, coder, Status.DONE)


def test_assignment_plan_is_balanced_seeded_and_keeps_work() -> None:
    documents = list(range(1, 31))
    first = plan(documents, CODERS, overlap="20%", seed=7)
    assert first.coders == plan(documents, CODERS, overlap="20%", seed=7).coders  # repeats
    assert len(first.reliability) == sample_size(30, "20%") == 6
    pairs = sorted(tuple(first.coders[d]) for d in first.reliability)
    assert pairs == [("ana", "ben")] * 2 + [("ana", "cem")] * 2 + [("ben", "cem")] * 2 or \
        sorted({p: pairs.count(p) for p in pairs}.values()) == [2, 2, 2]
    assert sorted(first.load().values()) == [12, 12, 12]  # 24 singles + 12 sample codings
    assert sorted(first.order["ana"]) == sorted(d for d in documents if "ana" in first.coders[d])
    assert first.order["ana"] != sorted(first.order["ana"])  # her own random order
    kept = plan(documents, CODERS, overlap="20%", seed=8, kept={5: {"ana"}})
    assert "ana" in kept.coders[5]
    with pytest.raises(AnnotatorError):
        plan(documents, CODERS, overlap="120%")


def test_stratified_sample_is_proportional(new_location) -> None:  # type: ignore[no-untyped-def]
    with actions.new_project(new_location("s")) as project:
        project.import_documents(corpus(30))
        result = study.assign(project, CODERS, overlap=6, stratify="outlet", seed=3)
        outlets = [project.document(d).outlet for d in result.reliability]
        assert sorted(outlets) == ["AP", "AP", "Reuters", "Reuters", "Tass", "Tass"]


def test_study_walk_through_the_command_line(tmp_path: Path, clock: None, new_location,  # type: ignore[no-untyped-def]
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """On PostgreSQL the coordinator's project is on the server and "single" a file: the
    two engines' exports must then be the same bytes too."""
    main = new_location("study")
    with actions.new_project(main) as project:
        project.import_documents(corpus())
    assert cli.main(["assign", str(main), "--coders", ",".join(CODERS), "--overlap", "20%",
                     "--seed", "7"]) == 0
    assert "reliability sample: 6 documents" in capsys.readouterr().out
    single = tmp_path / "single.annotator"  # the same study, everyone in one file
    with Project.open(main) as project:
        project.save_copy(single)
    packages = {c: tmp_path / f"{c}.annotator" for c in CODERS}
    for coder, path in packages.items():
        assert cli.main(["package", str(main), "--coder", coder, "-o", str(path)]) == 0
        with Project.open(path) as package:  # blind by construction
            assert package.coders() == [coder]
            assert package.study_setting("blind_locked") is True
            assert package.document_count() == 12
    for round_ in (1, 2, 3):
        for coder, path in packages.items():
            with Project.open(path) as package:
                code_round(package, coder, round_)
            with Project.open(single) as project:
                code_round(project, coder, round_)
        assert cli.main(["merge", str(main), *map(str, packages.values())]) == 0, \
            capsys.readouterr().err
    capsys.readouterr()
    for fmt in ("spans-csv", "matrix-csv", "jsonl"):
        outputs = []
        for name, path in (("main", main), ("single", single)):
            out = tmp_path / f"{name}.{fmt}"
            assert cli.main(["export", str(path), "--format", fmt, "-o", str(out)]) == 0
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1], fmt
    reports = []
    for path in (main, single):
        with Project.open(path) as project:
            reports.append(to_json(actions.agreement_report(project, bootstrap_samples=200)))
    assert reports[0] == reports[1]
    report = json.loads(reports[0])
    assert report["documents"] == 6 and report["coders"] == CODERS
    results = {(r["target"], r["coefficient"], r["coders"]): r for r in report["results"]}
    speaker = results[("speaker", "span_f1_exact", "ana|ben")]
    assert speaker["value"] == 0 and speaker["documents"] == 2  # ben's spans are shorter
    assert results[("speaker", "span_f1_exact", "ana|cem")]["value"] == 1  # same extent
    assert results[("speaker", "unitizing_alpha", "all")]["value"] is not None
    assert results[("speaker", "span_f1_exact", "ben|cem")]["value"] == 0
    tone = results[("tone", "percent_agreement", "all")]  # both decide tone by the text
    assert tone["value"] == 1 and tone["documents"] == 6
    # adjudicate: what both coders of a sample document marked alike goes into gold
    with Project.open(main) as project:
        sample = [d for d, c, r in project.assignment_rows() if r]
        texts = {d: project.document(d).text for d in set(sample)}
        pairs = {d: sorted(c for dd, c, r in project.assignment_rows() if dd == d and r)
                 for d in texts}
    expected = sum(1 for d in texts if pairs[d] == ["ana", "cem"])  # speakers: same extent
    expected += sum(1 for d in texts if len(texts[d]) % 3)  # demands: relabelled alike
    capsys.readouterr()
    assert cli.main(["adjudicate", str(main)]) == 0
    assert f"accepted {expected} spans into gold" in capsys.readouterr().out
    out = tmp_path / "final.csv"
    assert cli.main(["export", str(main), "--format", "spans-csv", "-o", str(out),
                     "--coders", "gold"]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == expected + 1
    capsys.readouterr()
    assert cli.main(["info", str(main)]) == 0
    info = capsys.readouterr().out
    assert "ana: " in info and "12 assigned" in info and "6 of 6 documents" in info


def test_an_edit_on_both_sides_is_a_conflict(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    main = new_location("main")
    with actions.new_project(main) as project:
        project.import_documents(corpus(6))
        study.assign(project, ["ana", "ben"], seed=1)
    laptop = tmp_path / "laptop.annotator"
    with Project.open(main, read_only=True) as project:
        study.package(project, "ana", laptop)
    with Project.open(laptop) as package:
        code_round(package, "ana", 1)
    with Project.open(main) as target:
        study.merge_projects(target, [laptop])
        doc = target.assigned("ana")[0]
        target.set_variable(doc, "ana", "tone", "positive")  # the coordinator edits ana's
    with Project.open(laptop) as package:
        code_round(package, "ana", 2)
    with Project.open(main) as target:
        with pytest.raises(AnnotatorError, match="conflict"):
            study.merge_projects(target, [laptop])
        assert target.variables(doc, "ana")["tone"] == "positive"  # nothing was written


def test_two_coders_of_one_name_merge_in_one_run_with_a_rename_per_source(
        tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    laptops = []
    for person in ("ana-lopez", "ana-meyer"):  # two people, both called ana
        lab = tmp_path / f"{person}-lab.annotator"
        with actions.new_project(lab) as project:
            project.import_documents(corpus(6))
            study.assign(project, ["ana"], seed=1)
            laptops.append(tmp_path / f"{person}.annotator")
            study.package(project, "ana", laptops[-1])
        with Project.open(laptops[-1]) as package:
            code_round(package, "ana", 1, person)
    with actions.new_project(new_location("target")) as target:
        renames = study.parse_renames(["ana-meyer.annotator:ana=ana2"])
        study.merge_projects(target, laptops, renames)
        assert target.coders() == ["ana", "ana2"]
        assert len(list(target.iter_spans(coders=["ana2"]))) == 12


def test_a_coder_sees_only_their_documents_in_their_order(new_location) -> None:  # type: ignore[no-untyped-def]
    with actions.new_project(new_location("s")) as project:
        project.import_documents(corpus(12))
        result = study.assign(project, ["ana", "ben"], overlap=2, seed=5)
        assert project.document_ids("ana") == result.order["ana"]
        assert set(project.document_ids("ben")) == {d for d, c in result.coders.items()
                                                    if "ben" in c}
        assert project.document_ids("gold") == project.all_document_ids()  # unassigned: all
