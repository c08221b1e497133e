"""The report's u-alpha family (2016) and γ rows, from a project: targets, undefined
reasons, the CLI's --gamma, and the window's γ with its progress."""

from __future__ import annotations

import json

import pytest

from annotator.agreement.ualpha_family import Document, family
from annotator.domain.model import Status
from annotator.services import actions
from annotator.storage import Project
from tests.conftest import run_cli
from tests.unit.test_agreement_report import code_seeds

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


def test_the_family_per_category_and_for_the_scheme(project: Project) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=2)
    report = actions.agreement_report(project, bootstrap_samples=0)
    for target in ("*", "speaker", "demand"):
        for name in ("u_alpha_2016", "binary_u_alpha", "cu_alpha"):
            report.find("spans", target, name)  # each is there
    # the scheme's values are its categories: speaker's (k)uα sits under its key
    assert report.find("spans", "speaker", "k_u_alpha").units > 0
    # a category's values are its labels
    assert report.find("spans", "demand/no_nato_expansion", "k_u_alpha") is not None
    speaker = report.find("spans", "speaker", "cu_alpha")  # one value (no labels)
    assert speaker.value is None and "one value only" in speaker.reason  # type: ignore[operator]
    # the scheme's uα is the family's own figure on the same units
    ana, ben = ({(s.document_id, s.start, s.end, s.category) for s in project.iter_spans()
                 if s.coder == c} for c in ("ana", "ben"))
    docs = [Document(len(project.document(d).text),
                     [sorted((s, e, k) for doc, s, e, k in coded if doc == d)
                      for coded in (ana, ben)]) for d in project.all_document_ids()]
    assert report.find("spans", "*", "u_alpha_2016").value == pytest.approx(
        family(docs).u_alpha)


def test_the_scheme_family_is_undefined_where_a_coders_categories_overlap(
        project: Project) -> None:
    for coder in ("ana", "ben"):
        project.add_span(1, coder, "speaker", 0, 10)
        project.add_span(1, coder, "demand", 5, 20, label="no_nato_expansion")
        project.set_status(1, coder, Status.DONE)
    report = actions.agreement_report(project, bootstrap_samples=0)
    whole = report.find("spans", "*", "u_alpha_2016")
    assert whole.value is None and "overlap in document 1" in whole.reason  # type: ignore[operator]
    assert report.find("spans", "demand", "u_alpha_2016").value == 1.0  # within one: apart


def test_gamma_is_opt_in_seeded_and_reports_its_progress(project: Project) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=2)
    plain = actions.agreement_report(project, bootstrap_samples=0)
    assert not [r for r in plain.rows if r.result.name.startswith("gamma")]
    seen: list[tuple[int, int]] = []
    report = actions.agreement_report(project, bootstrap_samples=0, gamma_samples=5,
                                      gamma_seed=1, progress=lambda d, t: seen.append((d, t)))
    g = report.find("spans", "*", "gamma")
    assert g.value is not None and g.details["samples"] == 5 and g.details["seed"] == 1
    assert "statistical sampler" in g.details["sampler"]
    assert report.find("spans", "*", "gamma_cat") is not None
    assert report.find("spans", "speaker", "gamma_k") is not None
    assert seen == [(i, 5) for i in range(1, 6)]
    again = actions.agreement_report(project, bootstrap_samples=0, gamma_samples=5,
                                     gamma_seed=1)
    assert again.find("spans", "*", "gamma").value == g.value
    from annotator.agreement.render import to_html

    headline = to_html(report).split("<h2>Headline figures</h2>")[1].split("</table>")[0]
    assert all(f"<td>{figure}</td>" in headline for figure in ("γ", "γ-cat", "|uα", "cuα",
                                                                "u-alpha"))


def test_gamma_too_complex_to_weigh_is_undefined_with_the_reason(project: Project,
                                                                 monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from annotator.agreement import gamma as module

    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=2)
    monkeypatch.setattr(module, "MAX_CANDIDATES", 1)
    report = actions.agreement_report(project, bootstrap_samples=0, gamma_samples=3)
    g = report.find("spans", "*", "gamma")
    assert g.value is None and "possible alignments" in g.reason  # type: ignore[operator]


@pytest.mark.sqlite_only
def test_the_cli_reports_gamma_on_request(project: Project) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=2)
    project.close()
    code, out, err = run_cli("agreement", str(project.location), "--bootstrap", "0",
                             "--gamma", "10", "--seed", "2", "--format", "json")
    assert code == 0, err
    rows = {(r["target"], r["coefficient"]): r for r in json.loads(out)["results"]}
    assert rows[("*", "gamma")]["samples"] == 10 and rows[("*", "gamma")]["seed"] == 2
    assert ("*", "cu_alpha") in rows and ("speaker", "gamma_k") in rows
    assert "gamma: sampled corpora" in err
    code, out, _ = run_cli("agreement", str(project.location), "--bootstrap", "0",
                           "--format", "json")
    assert code == 0 and not [r for r in json.loads(out)["results"]
                              if r["coefficient"].startswith("gamma")]
