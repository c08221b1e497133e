"""SPSS (.sav) and Stata (.dta) files as their users open them: dates are dates (SPSS DATE11,
Stata %td), read back by pyreadstat and, where R is installed, by haven, the reader R users
have (``read_sav``/``read_dta``)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pyreadstat
import pytest

from annotator.domain.model import NewDocument, Status
from annotator.services import actions
from annotator.storage import Project
from tests.conftest import DEFAULT_SCHEME

READERS = {"spss": pyreadstat.read_sav, "stata": pyreadstat.read_dta}
FORMATS = {"spss": "DATE11", "stata": "%td"}


@pytest.fixture
def dated(tmp_path: Path) -> Project:
    """Two documents with dates, one without; a date variable coded on two of them."""
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(DEFAULT_SCHEME.read_text(encoding="utf-8") + (
        "  - key: event_date\n    name: Date of the event reported\n    type: date\n"),
        encoding="utf-8")
    project = actions.new_project(tmp_path / "dated.annotator", scheme)
    project.import_documents([
        NewDocument(text="Putin spoke.", title="one", date="2022-01-05", outlet="Tass"),
        NewDocument(text="Biden replied.", title="two", date="2010-12-31"),
        NewDocument(text="No date here.", title="three")])
    ids = project.all_document_ids()
    for doc, when in zip(ids, ("2021-12-17", "2022-02-24"), strict=False):
        project.set_variable(doc, "ana", "event_date", when)
    for doc in ids:
        project.set_status(doc, "ana", Status.DONE)
    yield project
    project.close()


@pytest.mark.parametrize("fmt", ["spss", "stata"])
def test_dates_are_date_variables(fmt: str, dated: Project, tmp_path: Path) -> None:
    path = tmp_path / f"t.{'sav' if fmt == 'spss' else 'dta'}"
    actions.export(dated, fmt, path)
    frame, meta = READERS[fmt](str(path))
    assert meta.original_variable_types["doc_date"] == FORMATS[fmt]
    assert meta.original_variable_types["var_event_date"] == FORMATS[fmt]
    by_title = {row["doc_title"]: row for _, row in frame.iterrows()}
    assert by_title["one"]["doc_date"] == dt.date(2022, 1, 5)
    assert by_title["two"]["var_event_date"] == dt.date(2022, 2, 24)
    assert by_title["three"]["doc_date"] != by_title["three"]["doc_date"]  # missing: NaN


def test_a_column_with_a_partial_date_stays_text_and_keeps_it(tmp_path: Path) -> None:
    project = actions.new_project(tmp_path / "p.annotator")
    project.import_documents([NewDocument(text="a", title="a", date="2022-01-05"),
                              NewDocument(text="b", title="b", date="2022-13-40")])
    for doc in project.all_document_ids():
        project.set_status(doc, "ana", Status.IN_PROGRESS)
    path = tmp_path / "t.sav"
    actions.export(project, "spss", path)
    frame, meta = pyreadstat.read_sav(str(path))
    assert meta.readstat_variable_types["doc_date"] == "string"
    assert sorted(frame["doc_date"]) == ["2022-01-05", "2022-13-40"]


def _r_with_haven() -> str | None:
    rscript = shutil.which("Rscript")
    if rscript is None:
        return None
    probe = subprocess.run([rscript, "-e", "library(haven)"], capture_output=True, timeout=120)
    return rscript if probe.returncode == 0 else None


@pytest.mark.skipif(_r_with_haven() is None, reason="R with haven is not installed here "
                    "(Debian: apt-get install r-base-core r-cran-haven; .ci/run does)")
@pytest.mark.parametrize("fmt", ["spss", "stata"])
def test_r_haven_reads_dates_labels_and_values(fmt: str, dated: Project,
                                               tmp_path: Path) -> None:
    path = tmp_path / f"t.{'sav' if fmt == 'spss' else 'dta'}"
    actions.export(dated, fmt, path)
    reader = "read_sav" if fmt == "spss" else "read_dta"
    script = f"""
suppressMessages(library(haven))
d <- {reader}("{path}")
cat(paste0(
  '{{"date_class":"', class(d$doc_date)[1], '",',
  '"dates":["', paste(format(d$doc_date), collapse='","'), '"],',
  '"event":"', format(d$var_event_date[2]), '",',
  '"tone_labels":["', paste(names(attr(d$var_tone, "labels")), collapse='","'), '"],',
  '"title_label":"', attr(d$doc_title, "label"), '"}}'))
"""
    run = subprocess.run([_r_with_haven(), "-e", script], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["date_class"] == "Date"
    assert seen["dates"] == ["2022-01-05", "2010-12-31", "NA"]
    assert seen["event"] == "2022-02-24"
    assert seen["tone_labels"] == ["Negative", "Neutral", "Positive"]
    assert seen["title_label"] == "the document's title"


def test_a_variable_declared_with_default_from_starts_from_the_articles_field(
        tmp_path: Path) -> None:
    """An Outlet variable pre-filled from the article's outlet (the scheme says
    ``default_from: outlet``) when the coder begins the document, whatever the first action;
    a value the coder sets wins, and an article without an outlet leaves it empty."""
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(DEFAULT_SCHEME.read_text(encoding="utf-8").replace(
        "    description: The outlet that published the article.",
        "    description: The outlet that published the article.\n"
        "    default_from: outlet") + (
        "  - key: section\n    name: Section\n    type: text\n"
        "    default_from: metadata:section\n"), encoding="utf-8")
    project = actions.new_project(tmp_path / "p.annotator", scheme)
    project.import_documents([
        NewDocument(text="Putin spoke.", title="one", outlet="Tass",
                    metadata={"section": "World"}),
        NewDocument(text="Biden replied.", title="two", outlet="Reuters"),
        NewDocument(text="No outlet here.", title="three")])
    one, two, three = project.all_document_ids()
    assert project.variables(one, "ana") == {}  # nothing before the coder begins
    project.add_span(one, "ana", "speaker", 0, 5)  # her first action on it
    assert project.variables(one, "ana") == {"outlet": "Tass", "section": "World"}
    project.set_variable(two, "ana", "outlet", "Reuters UK")  # she sets it herself
    assert project.variables(two, "ana") == {"outlet": "Reuters UK"}
    project.set_status(three, "ana", Status.IN_PROGRESS)
    assert project.variables(three, "ana") == {}
    project.set_variable(one, "ana", "outlet", None)  # cleared on purpose: stays cleared
    project.add_span(one, "ana", "speaker", 6, 11)
    assert "outlet" not in project.variables(one, "ana")
