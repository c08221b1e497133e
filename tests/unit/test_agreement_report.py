"""The agreement report from a project: scope rules, gold, formats and the CLI."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from annotator.agreement.render import RENDERERS
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import Status
from annotator.services import actions
from annotator.storage import Project
from tests.conftest import run_cli

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


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
    assert {d.category for d in report.disagreements if not d.variable} == {"speaker"}
    # a document variable the coders set differently is a disagreement too (#25)
    tones = [d for d in report.disagreements if d.variable]
    assert {d.category for d in tones} == {"tone"} and len(tones) == 2  # the odd documents
    assert set(tones[0].values.values()) == {"positive", "negative"}
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
    _check_chart(page, report)

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
    path = project.location
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


def test_pairs_of_coders_on_each_document_give_a_defined_u_alpha(project: Project) -> None:
    """The usual reliability sample: three coders, each document coded by two of them. It
    was "undefined: no text to compare"; now it is the book's u-alpha with the two coders
    of each document as anonymous first and second readers (as alpha treats coders)."""
    from annotator.agreement.unitizing import Continuum, unitizing_alpha

    code_seeds(project, "ana")
    code_seeds(project, "ben", shift=1)
    code_seeds(project, "cem", shift=2)
    for doc in project.all_document_ids():  # each document: two of the three coders done
        project.set_status(doc, ["ana", "ben", "cem"][doc % 3], Status.IN_PROGRESS)
    report = actions.agreement_report(project, bootstrap_samples=0)
    u_alpha = report.find("spans", "speaker", "unitizing_alpha")
    assert u_alpha.value is not None and u_alpha.details["documents"] == 5
    slots = []
    for doc in project.all_document_ids():
        pair = [c for c in ("ana", "ben", "cem") if project.status(doc, c) is Status.DONE]
        units = {slot: {"speaker": [(s.start, s.end) for s in project.spans(doc, coder)
                                    if s.category == "speaker"]}
                 for slot, coder in zip(("first", "second"), pair, strict=True)}
        slots.append(Continuum(len(project.document(doc).text), units))
    expected = unitizing_alpha(slots, ["first", "second"], ["speaker"])
    assert u_alpha.value == pytest.approx(expected.value, abs=1e-12)
    assert report.find("spans", "speaker", "character_alpha").value is not None


def test_u_alpha_with_three_coders_here_and_two_there_by_hand() -> None:
    """Document 1 (10 characters) coded by a, b, c: [0,2), [0,2), [0,3); document 2 (10) by
    a and b: [5,7) twice. By hand (the formulas in unitizing.py):
    D_o = (2 x (0 + 1 + 1)) / (3 - 1) / (n L) with n = 3*10 + 2*10 = 50, L = 20: 2/1000;
    D_e = (2/L) x 809 / (50 x 49 - 14) = 1618/48720 (units 2,2,3,2,2; gaps 8,8,7,5,3,5,3)."""
    from annotator.agreement.unitizing import Continuum, value_parts

    one = Continuum(10, {"a": {"x": [(0, 2)]}, "b": {"x": [(0, 2)]}, "c": {"x": [(0, 3)]}})
    two = Continuum(10, {"a": {"x": [(5, 7)]}, "b": {"x": [(5, 7)]}})
    parts = value_parts([one, two], [["a", "b", "c"], ["a", "b"]], "x")
    assert parts.observed == pytest.approx(2 / 1000, abs=1e-15)
    assert parts.expected == pytest.approx(1618 / 48720, abs=1e-15)
    assert 1 - parts.observed / parts.expected == pytest.approx(0.939777, abs=1e-6)


def _check_chart(page: str, report) -> None:  # type: ignore[no-untyped-def]
    """The report's bars are drawn as Tools → Charts draws: the shared colours, a bar's
    length its value on the axis from -1 to 1, coloured by Krippendorff's .667 / .800."""
    import re

    from annotator.domain import chart_style as style

    svg = page[page.index("<svg"):page.index("</svg>")]
    alphas = [r.result.value for r in report.rows if r.section == "spans" and r.coders == "all"
              and r.result.name == "unitizing_alpha" and r.result.value is not None]
    bars = [(float(w), fill) for w, fill in re.findall(
        r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="16" fill="(#\w+)"/>', svg)]
    assert len(bars) == len(alphas) > 0
    for (width, fill), value in zip(bars, alphas, strict=True):
        assert width == pytest.approx(abs(max(-1, min(1, value))) / 2 * 360, abs=0.06)
        assert fill == (style.GOOD if value >= 0.8 else style.TENTATIVE if value >= 0.667
                        else style.POOR)
    assert style.GRID in svg and 'stroke-dasharray="4 3"' in svg
