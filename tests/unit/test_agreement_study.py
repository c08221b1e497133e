"""Agreement on the data a study really has: coders missing from documents, dates, values
of a nominal variable one by one, the union rule in span F1, joined continua, and clear
refusals. Each case was wrong or a traceback before."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import pytest

from annotator import cli
from annotator.agreement.render import RENDERERS
from annotator.domain.model import NewDocument, Status
from annotator.domain.scheme_loader import load_scheme
from annotator.services import actions
from annotator.storage import Project
from tests.conftest import DEFAULT_SCHEME

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


def project_with(tmp_path: Path, texts: list[str], extra_variables: list[dict] | None = None,
                 *, where=None) -> Project:  # type: ignore[no-untyped-def]
    data = load_scheme(DEFAULT_SCHEME).data
    data["variables"] += extra_variables or []
    scheme = tmp_path / "s.json"
    scheme.write_text(json.dumps(data), encoding="utf-8")
    project = actions.new_project(where("p") if where else tmp_path / "p.annotator", scheme)
    project.import_documents([NewDocument(text=t) for t in texts])
    return project


def test_a_date_variable_gets_interval_alpha_on_day_numbers(tmp_path: Path, new_location  # type: ignore[no-untyped-def]
                                                           ) -> None:
    project = project_with(tmp_path, ["one", "two", "three"],
                           [{"key": "published", "name": "Published", "type": "date"}],
                           where=new_location)
    values = {"ana": ["2022-01-01", "2022-01-05", "2022-02-01"],
              "ben": ["2022-01-01", "2022-01-06", "2022-02-01"]}
    for coder, dates in values.items():
        for doc, date in zip(project.all_document_ids(), dates, strict=True):
            project.set_variable(doc, coder, "published", date)
            project.set_status(doc, coder, Status.DONE)
    report = actions.agreement_report(project, bootstrap_samples=0)
    alpha = report.find("variables", "published", "krippendorff_alpha")
    days = [[0, 4, 31], [0, 5, 31]]  # days since 2022-01-01
    expected = krippendorff.alpha(reliability_data=days, level_of_measurement="interval")
    assert alpha.value == pytest.approx(expected, abs=1e-12)


def test_alpha_of_each_value_against_all_others(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    """Main topic, a nominal variable. Units (ana, ben): (diplomacy, diplomacy), (diplomacy,
    other), (other, other), (troop_buildup, troop_buildup). For "diplomacy" recoded to
    in/out: o_TT 2, o_FF 4, o_TF = o_FT 1; n_T 3, n_F 5, n 8: D_o = 2/8,
    D_e = 2 x 3 x 5 / (8 x 7), alpha = 1 - .25/.5357 = 8/15."""
    project = project_with(tmp_path, ["a", "b", "c", "d"], where=new_location)
    pairs = [("diplomacy", "diplomacy"), ("diplomacy", "other"), ("other", "other"),
             ("troop_buildup", "troop_buildup")]
    for doc, (x, y) in zip(project.all_document_ids(), pairs, strict=True):
        for coder, value in (("ana", x), ("ben", y)):
            project.set_variable(doc, coder, "main_topic", value)
            project.set_status(doc, coder, Status.DONE)
    report = actions.agreement_report(project, bootstrap_samples=0)
    diplomacy = report.find("variables", "main_topic=diplomacy", "krippendorff_alpha")
    assert diplomacy.value == pytest.approx(8 / 15, abs=1e-12)
    assert report.find("variables", "main_topic=troop_buildup", "krippendorff_alpha"
                       ).value == 1


def test_span_f1_follows_the_union_rule(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    """a: [0,10) + [5,15) is, by the union rule, one unit [0,15); b: [0,15). Exact F1 was 0."""
    project = project_with(tmp_path, ["Putin spoke to the press on Tuesday."], where=new_location)
    doc = project.all_document_ids()[0]
    project.add_span(doc, "a", "speaker", 0, 10)
    project.add_span(doc, "a", "speaker", 5, 15)
    project.add_span(doc, "b", "speaker", 0, 15)
    for coder in ("a", "b"):
        project.set_status(doc, coder, Status.DONE)
    report = actions.agreement_report(project, bootstrap_samples=0)
    assert report.find("spans", "speaker", "span_f1_exact", "a|b").value == 1


def three_coders_two_per_document(tmp_path: Path, new_location) -> Project:  # type: ignore[no-untyped-def]
    texts = [f"Putin met Biden and Stoltenberg on day {i} of the talks." for i in range(6)]
    project = project_with(tmp_path, texts, where=new_location)
    for i, doc in enumerate(project.all_document_ids()):
        for k, coder in enumerate(("ana", "ben", "cem")):
            if k == i % 3:
                continue  # each document: two of the three
            project.add_span(doc, coder, "speaker", 0, 5 + k % 2)
            project.add_span(doc, coder, "speaker", 10, 15)
            project.set_status(doc, coder, Status.DONE)
    project.add_coder("dan")  # ticked by default, coded nothing
    return project


def test_a_coder_who_coded_nothing_does_not_void_the_report(tmp_path: Path, new_location  # type: ignore[no-untyped-def]
                                                            ) -> None:
    project = three_coders_two_per_document(tmp_path, new_location)
    report = actions.agreement_report(project, bootstrap_samples=0)
    assert report.coders == ["ana", "ben", "cem"]
    assert report.find("spans", "speaker", "unitizing_alpha").value is not None
    kappa = report.find("spans", "speaker", "character_cohen_kappa", "ana|ben")
    assert kappa.details["documents"] == 2  # the pair shares two of the six documents


def test_documents_left_out_are_said_in_every_format(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    project = three_coders_two_per_document(tmp_path, new_location)
    extra = project.import_documents([NewDocument(text="Only ana coded this one.")])
    project.set_status(extra.document_ids[0], "ana", Status.DONE)
    report = actions.agreement_report(project, bootstrap_samples=0)
    assert report.left_out == {"coded by only one of the chosen coders": 1}
    for fmt in ("table", "html"):
        assert "1 document coded by only one of the chosen coders" in RENDERERS[fmt](report)
    assert json.loads(RENDERERS["json"](report))["documents_left_out"] == {
        "coded by only one of the chosen coders": 1}
    assert "documents" in RENDERERS["csv"](report).splitlines()[0].split(",")


def test_joined_continuum_as_dkpro_and_inception(tmp_path: Path, new_location) -> None:  # type: ignore[no-untyped-def]
    """Joined: the documents end to end as one continuum (gaps cross document ends), which
    is u-alpha of that one concatenated document."""
    from annotator.agreement.unitizing import Continuum, unitizing_alpha

    project = project_with(tmp_path, ["Putin spoke.", "Biden replied at length today."],
                           where=new_location)
    ids = project.all_document_ids()
    spans = {"ana": [(ids[0], 0, 5), (ids[1], 0, 5)], "ben": [(ids[0], 0, 5), (ids[1], 6, 13)]}
    for coder, ranges in spans.items():
        for doc, start, end in ranges:
            project.add_span(doc, coder, "speaker", start, end)
        for doc in ids:
            project.set_status(doc, coder, Status.DONE)
    joined = actions.agreement_report(project, bootstrap_samples=0, continuum="joined")
    apart = actions.agreement_report(project, bootstrap_samples=0)
    offset = len("Putin spoke.")
    one = Continuum(offset + len("Biden replied at length today."), {
        c: {"speaker": [(s + (offset if d == ids[1] else 0), e + (offset if d == ids[1] else 0))
                        for d, s, e in r]} for c, r in spans.items()})
    expected = unitizing_alpha([one], ["ana", "ben"], ["speaker"]).value
    value = joined.find("spans", "speaker", "unitizing_alpha").value
    assert value == pytest.approx(expected, abs=1e-12)
    assert value != pytest.approx(apart.find("spans", "speaker", "unitizing_alpha").value)


def test_clear_refusals(tmp_path: Path, new_location,  # type: ignore[no-untyped-def]
                        capsys: pytest.CaptureFixture[str]) -> None:
    project = project_with(tmp_path, ["Putin spoke."], where=new_location)
    doc = project.all_document_ids()[0]
    for coder in ("ana", "ben"):
        project.add_span(doc, coder, "speaker", 0, 5)
    path = project.location
    project.close()
    assert cli.main(["agreement", str(path), "--coders", "ana,ana"]) == 1
    assert "named twice" in capsys.readouterr().err
    assert cli.main(["agreement", str(path)]) == 1  # nothing marked done
    assert "--scope all" in capsys.readouterr().err
    assert cli.main(["agreement", str(path), "--scope", "all", "--format", "json"]) == 0
