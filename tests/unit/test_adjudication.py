"""Adjudication takes everything the coders agree on, and leaves nothing behind without
saying so: agreed document variables go to gold, a span marked alike whose attributes or
links differ is left to settle (not settled by the order the coders happen to come in),
gold is marked done where nothing is left, and the summary says what went where."""

from __future__ import annotations

import pytest

from annotator.domain.model import Status
from annotator.services import actions, study
from annotator.services.actions import GOLD
from annotator.storage import Project
from tests.conftest import SEEDS, run_cli

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


@pytest.fixture
def coded(new_location):  # type: ignore[no-untyped-def]
    """Document 2 coded by ana and ben alike (variables too) except ben's link; document 3
    alike in every way."""
    location = new_location("adj")
    with actions.new_project(location) as project:
        actions.import_paths(project, [SEEDS])
        for doc in (2, 3):
            text = project.document(doc).text
            at = text.index("Putin")
            for coder in ("ana", "ben"):
                speaker = project.add_span(doc, coder, "speaker", at, at + 5,
                                           attributes={"actor": "putin"})
                demand = project.add_span(doc, coder, "demand", 0, 12,
                                          label="no_nato_expansion")
                if coder == "ben" and doc == 2:  # ben links the demand to its speaker
                    project.update_span(demand.id, attributes={"demanded_by": speaker.id})
                for key, value in (("tone", "negative"), ("main_topic", "security_guarantees"),
                                   ("ukraine_mentioned", True)):
                    project.set_variable(doc, coder, key, value)
                project.set_status(doc, coder, Status.DONE)
    return location


def test_agreed_variables_go_to_gold_and_differing_links_are_left(coded) -> None:  # type: ignore[no-untyped-def]
    with Project.open(coded) as project:
        done = study.adjudicate(project)
        assert project.variables(2, GOLD) == {"tone": "negative",
                                              "main_topic": "security_guarantees",
                                              "ukraine_mentioned": True}
        assert {s.category for s in project.spans(2, GOLD)} == {"speaker"}  # not the demand
        assert {s.category for s in project.spans(3, GOLD)} == {"speaker", "demand"}
        assert project.status(2, GOLD) is Status.IN_PROGRESS  # something left to settle
        assert project.status(3, GOLD) is Status.DONE
    assert (done.spans_added, done.values_set, done.spans_left, done.values_left) == (3, 6, 1, 0)
    assert done.documents == 2 and done.documents_done == 1
    assert done.left == ["document 2: demand/no_nato_expansion [0, 12] (its attributes or "
                         "links differ)"]


def test_the_command_line_says_what_went_to_gold_and_what_is_left(coded, engine: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("adjudicate", str(coded))
    assert code == 0, err
    assert "accepted 3 spans into gold, and 6 document variable values" in out
    assert "1 of 2 documents" in out and "document 2: demand/no_nato_expansion" in out
