"""Character-level coefficients, span matching and F1, and the alpha bootstrap."""

from __future__ import annotations

import math
import random

import krippendorff
import numpy as np
import pytest

from annotator.agreement.bootstrap import bootstrap_alpha
from annotator.agreement.characters import MaskCounts, character_alpha, character_pair
from annotator.agreement.coding import cohen_kappa, krippendorff_alpha, scott_pi
from annotator.agreement.matching import MatchCounts, max_matching
from annotator.agreement.unitizing import merge_overlaps
from tests.unit.test_agreement_coding import HAYES_2007, units_from_items


def digitise(length: int, ranges: list[tuple[int, int]]) -> list[int]:
    out = [0] * length
    for s, e in ranges:
        for i in range(s, e):
            out[i] = 1
    return out


def test_krippendorff_1995_digitised_example() -> None:
    # Krippendorff (1995), p. 57, pair A (Bertha, Bill) cut into 24 equal parts: the
    # published character-level (digitised) figures are kappa .385, pi .314, alpha .329.
    counts = MaskCounts(["bertha", "bill"])
    counts.add_document(24, {"bertha": [(2, 10), (14, 20)], "bill": [(4, 8), (15, 17)]},
                        ["bertha", "bill"])
    kappa, pi = character_pair(counts, "bertha", "bill")
    assert round(kappa.value, 3) == 0.385
    assert round(pi.value, 3) == 0.314
    assert round(character_alpha(counts).value, 3) == 0.329
    assert kappa.units == 24


def test_generated_three_coder_corpus_against_the_krippendorff_package() -> None:
    rng = random.Random(11)
    coders = ["a", "b", "c"]
    counts = MaskCounts(coders)
    rows: list[list[float]] = [[], [], []]
    for _ in range(40):
        length = rng.randrange(50, 400)
        in_scope = coders if rng.random() < 0.7 else rng.sample(coders, 2)
        ranges = {}
        base = sorted(rng.sample(range(length), 6))
        for coder in coders:
            spans = []
            for s, e in zip(base[::2], base[1::2], strict=True):
                s2 = max(0, s + rng.randrange(-5, 6))
                e2 = min(length, max(s2 + 1, e + rng.randrange(-5, 6)))
                if rng.random() < 0.85:
                    spans.append((s2, e2))
            ranges[coder] = merge_overlaps(spans)
        counts.add_document(length, ranges, in_scope)
        for i, coder in enumerate(coders):
            bits = digitise(length, ranges[coder])
            rows[i] += [float(x) if coder in in_scope else np.nan for x in bits]
    expected = krippendorff.alpha(reliability_data=np.array(rows), level_of_measurement="nominal")
    ours = character_alpha(counts)
    assert math.isclose(ours.value, expected, rel_tol=1e-9)
    # and the pair coefficients against our own coded-unit functions on the same characters
    units = [{c: int(rows[i][u]) for i, c in enumerate(coders) if not np.isnan(rows[i][u])}
             for u in range(len(rows[0]))]
    kappa, pi = character_pair(counts, "a", "b")
    assert math.isclose(kappa.value, cohen_kappa(units, "a", "b").value, rel_tol=1e-9)
    assert math.isclose(pi.value, scott_pi(units, "a", "b").value, rel_tol=1e-9)


def test_character_coefficients_undefined_without_spans() -> None:
    counts = MaskCounts(["a", "b"])
    counts.add_document(100, {"a": [], "b": []}, ["a", "b"])
    assert character_alpha(counts).value is None
    kappa, pi = character_pair(counts, "a", "b")
    assert kappa.value is None and pi.value is None and "no variation" in kappa.reason


def test_f1_exact_overlap_and_one_to_one() -> None:
    counts = MatchCounts()
    a = [(0, 10), (20, 30), (40, 50)]
    b = [(0, 10), (22, 24), (25, 28), (60, 70)]
    counts.add(a, b)
    exact, overlap, one = counts.f1()
    assert exact.value == pytest.approx(2 * 1 / 7)
    # a: 2 of 3 overlap something; b: 3 of 4 overlap something
    assert overlap.value == pytest.approx(2 * (3 / 4) * (2 / 3) / (3 / 4 + 2 / 3))
    assert one.value == pytest.approx(2 * 2 / 7)  # (20,30) can match only one of b's pieces
    empty = MatchCounts()
    empty.add([], [])
    assert all(c.value is None for c in empty.f1())


def test_max_matching_is_maximum() -> None:
    a = [(0, 10), (5, 15)]
    b = [(0, 6), (12, 20)]
    assert len(max_matching(a, b)) == 2


def test_bootstrap_repeats_with_a_seed_and_brackets_alpha() -> None:
    units = units_from_items(HAYES_2007)
    first = bootstrap_alpha(units, "ordinal", samples=1000, seed=7)
    again = bootstrap_alpha(units, "ordinal", samples=1000, seed=7)
    other = bootstrap_alpha(units, "ordinal", samples=1000, seed=8)
    assert first == again and first != other
    alpha = krippendorff_alpha(units, "ordinal").value
    low, high = first
    assert low < alpha < high
    assert 0.1 < high - low < 0.4  # 40 units: a wide interval, as Hayes & Krippendorff show
    assert bootstrap_alpha([{"a": 1, "b": 1}], "nominal") is None
