"""The agreement report from a project: scope rules, gold, formats and the CLI."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from annotator import actions
from annotator.agreement.render import RENDERERS
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Status
from annotator.storage import Project
from tests.conftest import run_cli


def code_seeds(project: Project, coder: str, shift: int = 0, tone: str = "negative") -> None:
    for doc in project.all_document_ids():
        text = project.document(doc).text
        at = text.find("Putin")
        if at >= 0:
            project.add_span(doc, coder, "speaker", at + shift, at + 5,
                             attributes={"actor": "putin"})
        at = text.find("NATO")
        if at >= 0:
            project.add_span(doc, coder, "demand", at, at + 4, label="no_nato_expansion")
        project.set_variable(doc, coder, "tone", tone if doc % 2 else "neutral")
        project.set_status(doc, coder, Status.DONE)


def test_identical_coders_agree_fully_where_defined(project: Project) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben")
    report = actions.agreement_report(project, bootstrap_samples=50)
    assert report.documents == 5
    assert report.find("spans", "*", "unitizing_alpha").value == pytest.approx(1)
    assert report.find("spans", "speaker", "character_alpha").value == pytest.approx(1)
    assert report.find("spans", "speaker", "span_f1_exact", "ana|ben").value == 1
    tone = report.find("variables", "tone", "krippendorff_alpha")
    assert tone.value == pytest.approx(1) and tone.units == 5
    # a label no one used is undefined, with its reason
    unused = report.find("spans", "demand/roll_back_deployments", "unitizing_alpha")
    assert unused.value is None and unused.reason == "no coder marked any span"
    assert report.disagreements == []


def test_scope_done_and_gold_is_left_out(project: Project) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=2, tone="positive")
    code_seeds(project, "gold")
    project.set_status(1, "ben", Status.IN_PROGRESS)
    report = actions.agreement_report(project, bootstrap_samples=0)
    assert report.coders == ["ana", "ben"] and report.documents == 4
    assert actions.agreement_report(project, scope="all", bootstrap_samples=0).documents == 5
    f1 = report.find("spans", "speaker", "span_f1_exact", "ana|ben")
    assert f1.value == 0 and report.find("spans", "speaker", "span_f1_overlap", "ana|ben"
                                         ).value == 1
    assert {d.category for d in report.disagreements} == {"speaker"}
    with pytest.raises(AnnotatorError, match="no coder named 'zoe'"):
        actions.agreement_report(project, ["ana", "zoe"])
    with pytest.raises(AnnotatorError, match="at least two coders"):
        actions.agreement_report(project, ["ana"])


def test_every_format_reads_back(project: Project) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=1)
    project.add_span(2, "ben", "source_outlet", 0, 3)  # a title with <script> below
    project.db.execute("UPDATE documents SET title = '<script>alert(1)</script>' WHERE id = 2")
    report = actions.agreement_report(project, bootstrap_samples=20)
    rows = list(csv.DictReader(io.StringIO(RENDERERS["csv"](report))))
    assert len(rows) == len(report.rows)
    assert {"value", "units", "coder_count", "undefined_reason", "coders"} <= set(rows[0])
    data = json.loads(RENDERERS["json"](report))
    assert data["format"] == "annotator-agreement" and len(data["results"]) == len(report.rows)
    pairs = {r["coders"] for r in data["results"]}
    assert pairs == {"all", "ana|ben"}
    assert all(r["coder_count"] == 2 for r in data["results"] if r["value"] is not None)
    assert data["disagreements"][0]["spans"]["ana"][0]["text"]
    page = RENDERERS["html"](report)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<svg" in page

    class Check(HTMLParser):
        tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
            self.tags.append(tag)

    checker = Check()
    checker.feed(page)
    assert "script" not in checker.tags and "table" in checker.tags
    assert "unitizing_alpha" in RENDERERS["table"](report)


def test_cli_agreement(project: Project, tmp_path: Path) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=1)
    path = project.path
    project.close()
    out = tmp_path / "report.json"
    code, stdout, err = run_cli("agreement", str(path), "--format", "json", "-o", str(out),
                                "--bootstrap", "50")
    assert code == 0, err
    assert json.loads(out.read_text(encoding="utf-8"))["coders"] == ["ana", "ben"]
    code, stdout, _ = run_cli("agreement", str(path), "--category", "speaker", "--coders",
                              "ana,ben", "--bootstrap", "0")
    assert code == 0 and "speaker" in stdout and "tone" not in stdout
    code, _, err = run_cli("agreement", str(path), "--category", "weather")
    assert code == 1 and "no category 'weather'" in err


def test_no_document_coded_by_every_coder_leaves_u_alpha_undefined(project: Project) -> None:
    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=1)
    code_seeds(project, "cem")
    for doc in project.all_document_ids():  # each document: two of the three coders done
        project.set_status(doc, ["ana", "ben", "cem"][doc % 3], Status.IN_PROGRESS)
    report = actions.agreement_report(project, bootstrap_samples=0)
    u_alpha = report.find("spans", "*", "unitizing_alpha")
    assert u_alpha.value is None and u_alpha.reason == "no text to compare"
    assert u_alpha.details["documents_left_out"] == 5
    assert report.find("spans", "speaker", "character_alpha").value is not None
