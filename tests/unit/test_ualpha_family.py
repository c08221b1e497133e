"""The u-alpha family of Krippendorff, Mathet, Bouvry & Milleret (2016, Quality & Quantity
50: 2347–2364): uα, |uα, cuα and (k)uα.

Cross-checked against an independent implementation of the paper's equations, Linda
Anna's ``unitized_alpha.py`` (github.com/lindanna/unitized_alpha @ 11637e7), on its own
example (Alex, Paul and Susan on a continuum of 20) and on the gamma test continua:
``tests/data/ualpha/reference.json``, written by ``make_reference.py`` beside it. Where
that implementation divides by zero (no units intersect), ours says why cuα is undefined.

The paper's own worked example (Alex, Paul and Suzan on a continuum of 60, Krippendorff
2019, Fig. 12.11: uα = .510, |uα = .413, cuα = .724) is not reproduced here: its data are
in the book and the paper, and no stored source holds them.
"""

from __future__ import annotations

import json

import pytest

from annotator.agreement.ualpha_family import Document, OverlappingUnits, family, sections
from tests.conftest import ROOT

REFERENCE = json.loads((ROOT / "tests" / "data" / "ualpha" / "reference.json")
                       .read_text(encoding="utf-8"))["continua"]


def document(name: str) -> Document:
    r = REFERENCE[name]
    coders = sorted({u[0] for u in r["units"]})
    return Document(r["length"], [[(int(s), int(e), str(k)) for c, k, s, e in r["units"]
                                   if c == coder] for coder in coders])


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_the_family_agrees_with_an_independent_implementation(name: str) -> None:
    reference, result = REFERENCE[name], family([document(name)])
    if reference.get("fails"):
        assert result.cu_alpha is None and result.why["cuα"]
        return
    assert result.u_alpha == pytest.approx(reference["u_alpha"], abs=1e-9)
    assert result.binary_u_alpha == pytest.approx(reference["binary_u_alpha"], abs=1e-9)
    if reference["cu_alpha"] is None:
        assert result.cu_alpha is None
    else:
        assert result.cu_alpha == pytest.approx(reference["cu_alpha"], abs=1e-9)
    for k, value in reference["k_u_alpha"].items():
        assert result.k_u_alpha[k] == pytest.approx(value, abs=1e-9), k


def test_the_reference_example_by_hand() -> None:
    """Alex, Paul and Susan (continuum of 20): the reference implementation's printout."""
    result = family([document("lindanna_example")])
    assert (round(result.u_alpha, 3), round(result.binary_u_alpha, 3),
            round(result.cu_alpha, 3)) == (0.474, 0.433, 0.779)
    assert result.coverage == pytest.approx(0.38333, abs=1e-5)  # 38.33 % of the continuum


def test_identical_coders_agree_and_undefined_figures_say_why() -> None:
    same = [(0, 5, "a"), (8, 12, "b")]
    result = family([Document(20, [same, same])])
    assert (result.u_alpha, result.binary_u_alpha, result.cu_alpha) == (1.0, 1.0, 1.0)
    whole = family([Document(10, [[(0, 10, "a")], [(0, 10, "a")]])])
    assert whole.binary_u_alpha is None and "no gaps" in whole.why["|uα"]
    one_value = family([Document(20, [[(0, 5, "a")], [(1, 5, "a")]])])
    assert one_value.cu_alpha is None and "one value only" in one_value.why["cuα"]
    assert family([Document(20, [[(0, 5, "a")]])]).u_alpha is None  # one coder: nothing
    nothing = family([Document(20, [[], []]), Document(10, [[], []])])
    assert nothing.u_alpha is None and nothing.why["uα"] == "no coder marked any span"


def test_documents_pool_their_coincidences_each_with_its_own_coders() -> None:
    """A document coded by three and one by two: each ordered pair weighs 1/(m - 1) of its
    own document, so the pooled figure lies between the two documents' own."""
    three = Document(30, [[(0, 10, "a"), (15, 25, "b")], [(0, 9, "a"), (15, 25, "a")],
                          [(1, 10, "a"), (14, 25, "b")]])
    two = Document(30, [[(2, 12, "b")], [(3, 12, "b")]])
    alone = [family([d]).u_alpha for d in (three, two)]
    pooled = family([three, two]).u_alpha
    assert min(alone) < pooled < max(alone)  # type: ignore[type-var, operator]


def test_a_coders_overlapping_units_are_refused() -> None:
    with pytest.raises(OverlappingUnits, match="overlap"):
        sections(20, [(0, 10, "a"), (5, 12, "b")])
    assert sections(10, [(2, 4, "a"), (4, 6, "b")]) == [
        (0, 2, None), (2, 4, "a"), (4, 6, "b"), (6, 10, None)]
