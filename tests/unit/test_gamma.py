"""Mathet et al.'s γ, γ-cat and γ-k against pygamma-agreement 0.5.9, the reference
implementation (Titeux & Riad 2021, JOSS 6(62): 2989), on hand-made continua
(``tests/data/gamma/vectors.json``): identical, disjoint, one coder empty, units nested
across coders, partial overlaps with three categories, swapped labels, adjacent against
merged units, three coders, and a news-like text coded by two and by three coders.

``tests/data/gamma/reference.json`` holds what pygamma-agreement said of each, written by
``make_reference.py`` beside it (run where pygamma-agreement is installed; it is not a
dependency of ours): the best alignment's disorder (deterministic: ours agrees within
1e-4) and γ, γ-cat and γ-k over 20 seeds of 30 samples each. Ours, from 300 samples of its
own seeded sampler, must fall within the spread of those 20 seeds.
"""

from __future__ import annotations

import json

import pytest

from annotator.agreement.gamma import Dissimilarity, Unit, align, category_disorder, gamma
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data" / "gamma"
VECTORS = json.loads((DATA / "vectors.json").read_text(encoding="utf-8"))
REFERENCE = json.loads((DATA / "reference.json").read_text(encoding="utf-8"))["vectors"]


def continuum(name: str) -> list[list[Unit]]:
    coders = sorted({u[0] for u in VECTORS[name]})
    return [[Unit(s, e, k) for c, s, e, k in VECTORS[name] if c == coder] for coder in coders]


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_the_best_alignments_disorder_is_the_references(name: str) -> None:
    d = Dissimilarity()
    alignment = align([continuum(name)], d)
    reference = REFERENCE[name]
    assert alignment.disorder == pytest.approx(reference["observed_disorder"], abs=1e-4)
    assert category_disorder(alignment, d) == pytest.approx(
        reference["observed_cat_disorder"], abs=1e-4)
    for k, value in reference["observed_k_disorder"].items():
        assert category_disorder(alignment, d, k) == pytest.approx(value, abs=1e-4), k


@pytest.mark.parametrize("name", sorted(VECTORS))
def test_gamma_falls_within_the_spread_of_the_references_seeds(name: str) -> None:
    reference = REFERENCE[name]
    result = gamma([continuum(name)], samples=300, seed=7)
    assert result is not None

    def within(value: float, spread: list[float], what: str) -> None:
        assert min(spread) - 1e-4 <= value <= max(spread) + 1e-4, (
            f"{name} {what}: {value:.4f} outside [{min(spread):.4f}, {max(spread):.4f}]")

    within(result.gamma, reference["gamma"], "gamma")
    within(result.gamma_cat, reference["gamma_cat"], "gamma-cat")
    for k, spread in reference["gamma_k"].items():
        within(result.gamma_k[k], spread, f"gamma-k {k}")


def test_the_same_seed_gives_the_same_figure() -> None:
    one = gamma([continuum("three_coders")], samples=20, seed=3)
    two = gamma([continuum("three_coders")], samples=20, seed=3)
    other = gamma([continuum("three_coders")], samples=20, seed=4)
    assert one == two and one is not None and other is not None
    assert one.expected != other.expected and one.observed == other.observed


def test_documents_are_aligned_apart_and_add_up() -> None:
    """Two documents: no unit aligns across them, and the disorder is the sum of both
    documents' unitary disorders over the sum of their mean numbers of units per coder."""
    d = Dissimilarity()
    a, b = continuum("swapped_labels"), continuum("nested_across_coders")
    both = align([a, b], d)
    alone = [align([c], d) for c in (a, b)]
    totals = [sum(sum(x) for _, _, x in one.documents) for one in alone]
    assert both.disorder == pytest.approx(sum(totals) / (3 + 2.5))
    assert gamma([[[], []]]) is None and gamma([[continuum("identical")[0]]]) is None


def test_too_many_possible_alignments_are_refused_with_the_reason(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from annotator.agreement import gamma as module

    monkeypatch.setattr(module, "MAX_CANDIDATES", 5)
    with pytest.raises(module.TooComplex, match="more than 5 possible alignments of 3 coders"):
        gamma([continuum("three_coders")], samples=2)


def test_gamma_stops_when_cancelled() -> None:
    from annotator.domain.errors import Cancelled

    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2  # after the observed alignment and a sample or so

    with pytest.raises(Cancelled):
        gamma([continuum("three_coders")], samples=30, cancelled=cancelled)
    assert len(calls) == 3
