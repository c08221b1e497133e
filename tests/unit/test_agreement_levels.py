"""Span agreement at two levels, as ATLAS.ti and INCEpTION separate them: a category's
figures match spans on the category alone (a span labelled later is still that category's),
and each label is a target of its own.

The case from the study walk-through: ana labels six demands "No NATO expansion"; ben marks
the identical stretches as Demand, label to come (as README teaches). Before, Demand's
span_f1_overlap was 0.0 and its u-alpha about −0.01: ben's unlabelled spans counted nowhere.
"""

from __future__ import annotations

from pathlib import Path

from annotator.domain.model import Status
from annotator.services import actions
from tests.conftest import SEEDS


def test_a_category_matches_on_the_category_and_a_label_on_the_label(tmp_path: Path) -> None:
    project = actions.new_project(tmp_path / "p.annotator")
    actions.import_paths(project, [SEEDS])
    coded = 0
    for doc in project.all_document_ids():
        text = project.document(doc).text
        starts = [i for i in range(len(text)) if text.startswith("NATO", i)][:2]
        for at in starts:
            project.add_span(doc, "ana", "demand", at, at + 4, label="no_nato_expansion")
            project.add_span(doc, "ben", "demand", at, at + 4)  # the label can come later
            coded += 1
        for coder in ("ana", "ben"):
            project.set_status(doc, coder, Status.DONE)
    assert coded >= 6
    report = actions.agreement_report(project, bootstrap_samples=0)
    assert report.find("spans", "demand", "span_f1_overlap", "ana|ben").value == 1.0
    assert report.find("spans", "demand", "span_f1_exact", "ana|ben").value == 1.0
    assert report.find("spans", "demand", "unitizing_alpha").value == 1.0
    assert report.find("spans", "*", "unitizing_alpha").value == 1.0
    # the label level: ana gave the label, ben has not yet
    label = report.find("spans", "demand/no_nato_expansion", "span_f1_overlap", "ana|ben")
    assert label.value == 0.0


def test_the_html_report_opens_with_the_headline_figures_by_the_schemes_names(
        tmp_path: Path) -> None:
    import re

    from annotator.agreement.render import to_html

    project = actions.new_project(tmp_path / "p.annotator")
    actions.import_paths(project, [SEEDS])
    for doc in project.all_document_ids():
        text = project.document(doc).text
        at = text.index("NATO")
        for coder, tone in (("ana", "negative"), ("ben", "negative" if doc % 2 else "neutral")):
            project.add_span(doc, coder, "speaker", at, at + 4)
            project.set_variable(doc, coder, "tone", tone)
            project.set_status(doc, coder, Status.DONE)
    page = to_html(actions.agreement_report(project, bootstrap_samples=200))
    head = page.index("Headline figures")
    assert head < page.index("Unitizing alpha per category and label") < page.index(
        "All figures")
    headline = page[head:page.index("</table>", head)]
    assert "<td>Speaker</td><td>u-alpha</td>" in headline
    assert "<td>Tone towards Russia</td><td>alpha</td>" in headline
    assert re.search(r"\[-?\d\.\d{3}, -?\d\.\d{3}\]", headline)  # the interval
    # the .667 and .800 marks' labels lean apart instead of printing over each other
    assert re.search(r'text-anchor="end"[^>]*>0\.667<', page)
    assert re.search(r'text-anchor="start"[^>]*>0\.800<', page)
