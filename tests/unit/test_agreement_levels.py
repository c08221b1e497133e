"""Span agreement at two levels, as ATLAS.ti and INCEpTION separate them: a category's
figures match spans on the category alone (a span labelled later is still that category's),
and each label is a target of its own.

The case from the study walk-through: ana labels six demands "No NATO expansion"; ben marks
the identical stretches as Demand, label to come (as README teaches). Before, Demand's
span_f1_overlap was 0.0 and its u-alpha about −0.01: ben's unlabelled spans counted nowhere.
"""

from __future__ import annotations

from pathlib import Path

from annotator import actions
from annotator.domain.model import Status
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
