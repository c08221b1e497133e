"""Counting spans for charts: months and ISO weeks without gaps, outlets by size, and the
project's facts."""

from __future__ import annotations

import pytest

from annotator.domain.tally import NO_DATE, NO_OUTLET, tally

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL


def test_months_run_without_gaps_and_undated_spans_come_last() -> None:
    facts = [("Demand", "2021-11-30", "A"), ("Demand", "2022-02-01", "B"),
             ("Speaker", "2022-02-14T10:00:00", "B"), ("Speaker", None, None),
             ("Speaker", "not a date", "A")]
    t = tally(facts, "month", series_order=["Speaker", "Demand"])
    assert t.buckets == ("2021-11", "2021-12", "2022-01", "2022-02", NO_DATE)
    assert t.series == ("Speaker", "Demand")  # the scheme's order
    assert [t.total(b) for b in t.buckets] == [1, 0, 0, 2, 2]
    assert t.rows()[0] == ["month", "Speaker", "Demand", "total"]
    assert t.rows()[4] == ["2022-02", 1, 1, 2]
    assert t.largest == 2


def test_iso_weeks_cross_the_new_year() -> None:
    facts = [("x", "2021-12-27", None), ("x", "2022-01-10", None), ("x", "2022-01-02", None)]
    t = tally(facts, "week")
    assert t.buckets == ("2021-W52", "2022-W01", "2022-W02")  # 2 January 2022 is in 2021-W52
    assert [t.value(b, "x") for b in t.buckets] == [2, 0, 1]


def test_outlets_by_size_and_a_missing_outlet_last() -> None:
    facts = [("x", None, "small"), ("x", None, " "), ("x", None, "Big"), ("y", None, "Big")]
    t = tally(facts, "outlet")
    assert t.buckets == ("Big", "small", NO_OUTLET)
    assert t.series == ("x", "y")
    with pytest.raises(ValueError, match="count by one of"):
        tally(facts, "year")


def test_the_project_gives_each_span_its_document_date_and_outlet(project) -> None:  # type: ignore[no-untyped-def]
    project.add_span(1, "ana", "speaker", 0, 4)
    project.add_span(2, "ana", "demand", 0, 4, label="no_nato_expansion")
    project.add_span(2, "ben", "demand", 0, 4)
    assert sorted(project.span_facts("ana"), key=str) == sorted([
        ("speaker", None, project.document(1).date, project.document(1).outlet),
        ("demand", "no_nato_expansion", project.document(2).date, project.document(2).outlet),
    ], key=str)
    assert len(project.span_facts(category="demand")) == 2
