"""Unitizing alpha against Krippendorff's published examples."""

from __future__ import annotations

import pytest

from annotator.agreement.unitizing import (
    Continuum,
    Section,
    distance,
    merge_overlaps,
    unitizing_alpha,
)


def book_example() -> list[Continuum]:
    """Krippendorff (2004), Content Analysis, 2nd ed., p. 254: a continuum from 150 to 450,
    coders i and j, values c and k. Shifted by -150 so the document starts at 0."""
    def units(*ranges: tuple[int, int]) -> list[tuple[int, int]]:
        return [(b - 150, b - 150 + length) for b, length in ranges]

    return [Continuum(300, {
        "i": {"c": units((225, 70), (370, 30)), "k": units((180, 60), (300, 50))},
        "j": {"c": units((220, 80), (355, 20), (400, 20)), "k": units((180, 60), (300, 50))},
    })]


def test_distance_examples_from_the_book() -> None:
    # Krippendorff (2004), p. 253-254 (figures reproduced by DKPro Statistics' tests).
    assert distance(Section(225, 295, True), Section(220, 300, True)) == 50
    assert distance(Section(370, 400, True), Section(355, 375, True)) == 850
    assert distance(Section(400, 450, False), Section(400, 420, True)) == 400
    assert distance(Section(5, 11, True), Section(4, 6, True)) == 26
    assert distance(Section(5, 11, True), Section(6, 10, True)) == 2
    assert distance(Section(5, 11, True), Section(5, 11, True)) == 0
    assert distance(Section(2, 5, False), Section(2, 4, True)) == 4


def test_book_example_p254() -> None:
    # Published: c: D_o .0144, D_e .0532, alpha .7286; k: D_o 0, D_e .0490, alpha 1;
    # both values: alpha .8591.
    example, coders = book_example(), ["i", "j"]
    c = unitizing_alpha(example, coders, ["c"])
    assert round(c.details["observed_disagreement"], 4) == 0.0144
    assert round(c.details["expected_disagreement"], 4) == 0.0532
    assert round(c.value, 4) == 0.7286
    k = unitizing_alpha(example, coders, ["k"])
    assert k.details["observed_disagreement"] == 0
    assert round(k.details["expected_disagreement"], 4) == 0.0490
    assert k.value == 1
    both = unitizing_alpha(example, coders, ["c", "k"])
    # The book combines its rounded figures: 1 - .0144 / (.0532 + .0490) = .8591. Unrounded
    # the same formula gives .85867, so it agrees to the printed digit only via the rounding.
    assert round(1 - 0.0144 / (0.0532 + 0.0490), 4) == 0.8591
    assert round(1 - round(both.details["observed_disagreement"], 4)
                 / (round(c.details["expected_disagreement"], 4)
                    + round(k.details["expected_disagreement"], 4)), 4) == 0.8591
    assert both.value == pytest.approx(0.8591, abs=0.0005)
    assert both.units == 300 and both.details["spans"] == 9


def k1995(stretch: int) -> list[Continuum]:
    """Krippendorff (1995), Sociological Methodology 25, p. 57: four pairs of coders (A-D)
    on a continuum of 24 units; `stretch` refines the grid towards a continuum."""
    s = stretch

    def u(*pairs: tuple[int, int]) -> list[tuple[int, int]]:
        return [(b * s, (b + length) * s) for b, length in pairs]

    return [Continuum(24 * s, {
        "first": {"A": u((2, 8), (14, 6)), "B": u((0, 18)),
                  "C": u((2, 6), (10, 2), (14, 4), (20, 2)),
                  "D": u((0, 2), (2, 8), (10, 4), (14, 6), (20, 4))},
        "second": {"A": u((4, 4), (15, 2)),
                   "B": u((0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)),
                   "C": u((0, 2), (4, 4), (10, 4), (16, 2), (20, 2)),
                   "D": u((0, 4), (4, 4), (8, 7), (15, 2), (17, 7))},
    })]


@pytest.mark.parametrize(("value", "observed"), [
    ("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)])
def test_1995_observed_disagreement(value: str, observed: float) -> None:
    # Krippendorff (1995), table on p. 57 (as transcribed by DKPro Statistics):
    # D_o A .03125, B 2.26736, C .02777, D .38715. Touching units (pair B) stay separate.
    result = unitizing_alpha(k1995(1), ["first", "second"], [value])
    assert result.details["observed_disagreement"] == pytest.approx(observed, abs=1e-5)


@pytest.mark.parametrize(("value", "alpha"), [("A", 0.553), ("C", 0.679), ("D", 0.066)])
def test_1995_alpha_on_a_fine_grid(value: str, alpha: float) -> None:
    # The 1995 paper treats the continuum as continuous; on a grid 50,000 times finer the
    # values approach its published alphas (.553, .679, .066). The 1995 expected
    # disagreement has a small misprint (corrected in the 2004 book), hence 0.02.
    result = unitizing_alpha(k1995(50_000), ["first", "second"], [value])
    assert result.value == pytest.approx(alpha, abs=0.02)


def test_identical_unitizing_gives_one_and_nothing_is_undefined() -> None:
    same = [Continuum(100, {"a": {"x": [(10, 20), (50, 60)]}, "b": {"x": [(10, 20), (50, 60)]}})]
    assert unitizing_alpha(same, ["a", "b"], ["x"]).value == 1
    empty = [Continuum(100, {"a": {}, "b": {}})]
    result = unitizing_alpha(empty, ["a", "b"], ["x"])
    assert result.value is None and result.reason == "no coder marked any span"
    assert unitizing_alpha(same, ["a"], ["x"]).value is None


def test_coder_order_and_document_order_do_not_matter() -> None:
    docs = book_example() + [Continuum(50, {"i": {"c": [(5, 9)]}, "j": {"c": [(6, 9)]}})]
    base = unitizing_alpha(docs, ["i", "j"], ["c", "k"]).value
    assert unitizing_alpha(docs[::-1], ["j", "i"], ["c", "k"]).value == pytest.approx(base)


def test_overlapping_spans_of_one_coder_merge_touching_stay_apart() -> None:
    assert merge_overlaps([(0, 5), (3, 8), (8, 10), (20, 25)]) == [(0, 8), (8, 10), (20, 25)]
