"""Offsets: the UTF-16 ⇄ code point map, cluster and word snapping, newline normalisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.domain.text import (
    OffsetMap,
    normalise_newlines,
    snap_to_clusters,
    snap_to_words,
)

PIECES = ["a", "Z", " ", "\n", "é", "e\u0301", "😀", "👩‍👩‍👧", "🇺🇦", "👍🏽", "“", "—", "漢",
          "\u200d", "ǅ"]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(texts)
def test_offset_map_agrees_with_utf16_encoding(text: str) -> None:
    m = OffsetMap(text)
    assert m.utf16_length == utf16_len(text)
    for i in range(len(text) + 1):
        u = utf16_len(text[:i])
        assert m.to_utf16(i) == u
        assert m.to_python(u) == i


@given(texts, st.lists(st.integers(min_value=0, max_value=40)))
def test_sorted_offsets_convert_as_one_by_one(text: str, picks: list[int]) -> None:
    """OffsetMap.to_utf16_sorted (one walk, #28) gives what to_utf16 gives each index,
    repeated indices included."""
    m = OffsetMap(text)
    indices = sorted(i % (len(text) + 1) for i in picks)
    assert m.to_utf16_sorted(indices) == [m.to_utf16(i) for i in indices]
    assert m.to_utf16_sorted(iter(indices)) == [utf16_len(text[:i]) for i in indices]


@given(texts)
def test_positions_inside_a_surrogate_pair_snap_outward(text: str) -> None:
    m = OffsetMap(text)
    for i, ch in enumerate(text):
        if ord(ch) > 0xFFFF:
            middle = m.to_utf16(i) + 1
            assert m.to_python(middle, snap="floor") == i
            assert m.to_python(middle, snap="ceil") == i + 1


@given(texts, st.integers(0, 60), st.integers(0, 60))
def test_cluster_snapping_widens_and_never_splits(text: str, a: int, b: int) -> None:
    a, b = sorted((min(a, len(text)), min(b, len(text))))
    start, end = snap_to_clusters(text, a, b)
    assert start <= a and end >= b
    assert snap_to_clusters(text, start, end) == (start, end)


def test_cluster_examples() -> None:
    text = "x e\u0301 👩‍👩‍👧 y"
    assert snap_to_clusters(text, 3, 4) == (2, 4)  # the accent alone takes its letter
    family = text.index("👩")
    assert snap_to_clusters(text, family + 2, family + 3) == (family, family + 5)


def test_word_snapping() -> None:
    text = "Putin’s demand: no NATO expansion."
    assert snap_to_words(text, 2, 4) == (0, 7)
    assert text[slice(*snap_to_words(text, 17, 21))] == "no NATO"
    assert snap_to_words(text, 14, 16) == (14, 15)  # punctuation only: trimmed, kept
    assert snap_to_words(text, 15, 16) == (16, 16)  # white space only: nothing


def test_newline_normalisation() -> None:
    assert normalise_newlines("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"
    assert normalise_newlines("a\u2028b") == "a\u2028b"  # nothing else is rewritten
