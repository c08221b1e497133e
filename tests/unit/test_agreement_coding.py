"""Coded-unit coefficients against the published worked examples that define them."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.coding import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)


def units_from_rows(*rows: list[object]) -> list[dict[str, object]]:
    """Reliability data as coder rows (None: not coded) → units."""
    coders = [chr(ord("a") + i) for i in range(len(rows))]
    return [{c: row[u] for c, row in zip(coders, rows, strict=True) if row[u] is not None}
            for u in range(len(rows[0]))]


def units_from_items(items: list[tuple[object, ...]]) -> list[dict[str, object]]:
    return [{chr(ord("a") + i): v for i, v in enumerate(item) if v is not None}
            for item in items]


# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
# Communication, University of Pennsylvania, pp. 3-5: four observers, twelve units, missing
# values. Published: nominal .743, ordinal .815, interval .849, ratio .797.
K2011 = units_from_rows(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
)


@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_all_levels_with_missing_data(level: str, published: float) -> None:
    result = krippendorff_alpha(K2011, level)
    assert round(result.value, 3) == published
    assert result.units == 11  # unit 12 has a single value: not pairable
    assert result.details["pairable_values"] == 40


def test_krippendorff_2004_p230_observed_and_expected() -> None:
    # Krippendorff (2004), Content Analysis, 2nd ed., p. 230 (same data, nominal):
    # D_o = .200, D_e = .779 (rounded), alpha = .743; and interval D_o .433, D_e 2.872.
    nominal = krippendorff_alpha(K2011, "nominal")
    assert round(nominal.details["observed_disagreement"], 3) == 0.200
    assert round(nominal.details["expected_disagreement"], 3) == 0.779
    interval = krippendorff_alpha(K2011, "interval")
    assert round(interval.details["observed_disagreement"], 3) == 0.433
    assert round(interval.details["expected_disagreement"], 3) == 2.872
    assert round(percent_agreement(K2011).value, 3) == 0.800


def test_krippendorff_2004_p224_binary_and_p227_three_values() -> None:
    # p. 224: two coders, ten units, values 0/1: agreement .600, alpha .095
    binary = units_from_items([(1, 0), (1, 1), (0, 1), (0, 0), (0, 0), (0, 1), (0, 0), (0, 1),
                               (0, 0), (0, 0)])
    assert round(percent_agreement(binary).value, 3) == 0.600
    assert round(krippendorff_alpha(binary).value, 3) == 0.095
    # p. 227: twelve units, values a/b/c: agreement .833, D_o .1667, D_e .6268, alpha .734
    three = units_from_items([("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("b", "b"),
                              ("b", "b"), ("b", "c"), ("c", "c"), ("c", "c"), ("c", "c"),
                              ("c", "c"), ("c", "c")])
    result = krippendorff_alpha(three)
    assert round(percent_agreement(three).value, 3) == 0.833
    assert round(result.details["observed_disagreement"], 4) == 0.1667
    assert round(result.details["expected_disagreement"], 4) == 0.6268
    assert round(result.value, 3) == 0.734


def _crosstab(cells: dict[tuple[str, str], int]) -> list[dict[str, object]]:
    return [{"a": x, "b": y} for (x, y), n in cells.items() for _ in range(n)]


def test_krippendorff_2004_p246_cohen_and_scott() -> None:
    # p. 246: two tables with the same agreement (.460) and pooled marginals (pi .186) but
    # different individual marginals: kappa .186 in the first, .258 in the second.
    first = _crosstab({("a", "a"): 12, ("a", "b"): 9, ("a", "c"): 9, ("b", "a"): 9,
                       ("b", "b"): 14, ("b", "c"): 9, ("c", "a"): 9, ("c", "b"): 9,
                       ("c", "c"): 20})
    second = _crosstab({("a", "a"): 12, ("a", "b"): 18, ("a", "c"): 18, ("b", "b"): 14,
                        ("b", "c"): 18, ("c", "c"): 20})
    for units, kappa in ((first, 0.186), (second, 0.258)):
        assert round(percent_agreement(units).value, 3) == 0.460
        assert round(scott_pi(units, "a", "b").value, 3) == 0.186
        assert round(cohen_kappa(units, "a", "b").value, 3) == kappa


def test_fleiss_1971_worked_example() -> None:
    # Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters.
    # Psychological Bulletin 76(5), 378-382, table 1: 30 subjects, 6 raters, 5 categories.
    # Published: P-bar .556, P-bar-e .220, kappa .430; per category .248 .248 .517 .470 .565.
    table = [
        (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
        (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
        (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
        (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
        (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
        (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
        (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
        (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
    ]
    result = fleiss_kappa(units_from_items(table), list("abcdef"))
    assert round(result.details["observed_agreement"], 3) == 0.556
    assert round(result.details["expected_agreement"], 3) == 0.220
    assert round(result.value, 3) == 0.430
    # The per-category figures are checked against DKPro Statistics' transcription of the
    # paper (Fleiss1971Test), which itself allows 0.005: the paper computed them by hand
    # from rounded intermediates. Exactly, they are .2448 .2448 .5200 .4711 .5661.
    published = {"1": 0.248, "2": 0.248, "3": 0.517, "4": 0.470, "5": 0.565}
    for key, value in result.details["per_value"].items():
        assert abs(value - published[key]) <= 0.005, key


def test_hayes_krippendorff_2007_ordinal() -> None:
    # Hayes, A. F. & Krippendorff, K. (2007). Answering the call for a standard reliability
    # measure for coding data. Communication Methods and Measures 1(1), 77-89, p. 84:
    # 40 units, 5 observers, ordinal alpha = .7598.
    result = krippendorff_alpha(units_from_items(HAYES_2007), "ordinal")
    assert round(result.value, 4) == 0.7598


HAYES_2007 = [
    (1, 1, 2, None, 2), (1, 1, 0, 1, None), (2, 3, 3, 3, None), (None, 0, 0, None, 0),
    (0, 0, 0, None, 0), (0, 0, 0, None, 0), (1, 0, 2, None, 1), (1, None, 2, 0, None),
    (2, 2, 2, None, 2), (2, 1, 1, 1, None), (None, 1, 0, 0, None), (0, 0, 0, 0, None),
    (1, 2, 2, 2, None), (3, 3, 2, 2, 3), (1, 1, 1, None, 1), (1, 1, 1, None, 1),
    (2, 1, 2, None, 2), (1, 2, 3, 3, None), (1, 1, 0, 1, None), (0, 0, 0, None, 0),
    (0, 0, 1, 1, None), (0, 0, None, 0, 0), (2, 3, 3, 3, None), (0, 0, 0, 0, None),
    (1, 2, None, 2, 2), (0, 1, 1, 1, None), (0, 0, 0, 1, 0), (1, 2, 1, 2, None),
    (1, 1, 2, 2, None), (1, 1, 2, None, 2), (1, 1, 0, None, 0), (2, 1, 2, 1, None),
    (2, 2, None, 2, 2), (3, 2, 2, 2, None), (2, 2, 2, None, 2), (2, 2, 3, None, 2),
    (2, 2, 2, None, 2), (2, 2, None, 1, 2), (2, 2, 2, 2, None), (1, 1, 1, None, 1),
]


def test_ordinal_order_comes_from_the_scheme() -> None:
    units = [{"a": "low", "b": "mid"}, {"a": "high", "b": "high"}, {"a": "mid", "b": "mid"},
             {"a": "low", "b": "low"}]
    by_scheme = krippendorff_alpha(units, "ordinal", order=["low", "mid", "high"])
    expected = krippendorff.alpha([["low", "high", "mid", "low"], ["mid", "high", "mid", "low"]],
                                  level_of_measurement="ordinal",
                                  value_domain=["low", "mid", "high"])
    assert math.isclose(by_scheme.value, expected)


def test_undefined_is_undefined_never_one_or_zero() -> None:
    same = [{"a": 1, "b": 1}, {"a": 1, "b": 1}]
    for result in (krippendorff_alpha(same), cohen_kappa(same, "a", "b"),
                   scott_pi(same, "a", "b"), fleiss_kappa(same, ["a", "b"])):
        assert result.value is None and "no variation" in result.reason
    lonely = [{"a": 1}, {"b": 2}]
    assert krippendorff_alpha(lonely).value is None
    assert "no pairable" in krippendorff_alpha(lonely).reason
    assert cohen_kappa(lonely, "a", "b").reason == "no unit was coded by both coders"
    assert fleiss_kappa(lonely, ["a", "b"]).value is None


values = st.sampled_from([0, 1, 2, 3, None])
matrices = st.lists(st.tuples(values, values, values), min_size=2, max_size=30)


@settings(max_examples=150, deadline=None)
@given(matrices, st.sampled_from(["nominal", "ordinal", "interval", "ratio"]))
def test_alpha_matches_the_krippendorff_package(items, level) -> None:  # type: ignore[no-untyped-def]
    units = units_from_items(items)
    ours = krippendorff_alpha(units, level)
    data = np.array([[np.nan if it[c] is None else it[c] for it in items] for c in range(3)],
                    dtype=float)
    try:
        with np.errstate(invalid="ignore", divide="ignore"):  # the package divides 0 by 0
            theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    except ValueError:  # the package refuses where alpha is undefined
        assert ours.value is None
        return
    if ours.value is None:
        assert ours.details.get("expected_disagreement", 0) == 0 or math.isnan(theirs)
    else:
        assert math.isclose(ours.value, theirs, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_coder_and_unit_order_do_not_matter(items) -> None:  # type: ignore[no-untyped-def]
    units = units_from_items(items)
    shuffled = list(units)
    random.Random(3).shuffle(shuffled)
    renamed = [{{"a": "c", "b": "a", "c": "b"}[k]: v for k, v in u.items()} for u in units]
    for level in ("nominal", "interval"):
        base = krippendorff_alpha(units, level).value
        for other in (shuffled, renamed):
            value = krippendorff_alpha(other, level).value
            assert (base is None and value is None) or math.isclose(base, value, abs_tol=1e-12)
    k_ab, k_ba = cohen_kappa(units, "a", "b").value, cohen_kappa(units, "b", "a").value
    assert (k_ab is None and k_ba is None) or math.isclose(k_ab, k_ba, abs_tol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0, 1, 2]), min_size=2, max_size=20))
def test_identical_coding_gives_one_where_defined(column) -> None:  # type: ignore[no-untyped-def]
    units = [{"a": v, "b": v, "c": v} for v in column]
    for result in (krippendorff_alpha(units), cohen_kappa(units, "a", "b"),
                   scott_pi(units, "a", "b"), fleiss_kappa(units, ["a", "b", "c"])):
        if len(set(column)) > 1:
            assert result.value == pytest.approx(1.0)
        else:
            assert result.value is None
