"""Whether a .txt is a LexisNexis batch: the fast test (#28: the marker after a newline, a
pattern that opens with a literal) must say exactly what ``MARKER.search`` over the first
20,000 characters says, wherever the marker stands, in any of its languages and cases."""

from __future__ import annotations

import random

from annotator.formats.lexisnexis_txt import MARKER, is_lexisnexis_txt

MARKERS = ["1 of 25 DOCUMENTS", "  3 von 10 DOKUMENTEN", "Document 2 of 7", "\tdocumento 4 de 9",
           "12 of 12 documents ", "DOKUMENT 1 VON 3", "Documenten 5 van 6", "1 sur 2 documents",
           "1 of 25 DOCUMENTS and more", "x 1 of 25 DOCUMENTS", "1 of DOCUMENTS", "Document one"]
FILLER = ["Lavrov said the talks would go on.", "", "  ", "NATO did not answer 1 of them.",
          "Document", "of 25", "😀 é́"]


def test_the_fast_test_says_what_the_marker_search_says() -> None:
    rng = random.Random(28)
    for _ in range(3_000):
        lines = [rng.choice(FILLER) for _ in range(rng.randrange(0, 8))]
        if rng.random() < 0.6:
            lines.insert(rng.randrange(0, len(lines) + 1), rng.choice(MARKERS))
        text = "\n".join(lines)
        if rng.random() < 0.1:  # the marker beyond the first 20,000 characters
            text = "x" * 19_995 + "\n" + text
        assert is_lexisnexis_txt(text) == bool(MARKER.search(text[:20_000])), repr(text)


def test_a_marker_at_the_very_start_or_after_a_newline_counts() -> None:
    assert is_lexisnexis_txt("1 of 25 DOCUMENTS\n\nThe Guardian")
    assert is_lexisnexis_txt("Cover page\n\n   Document 1 of 25\nThe Guardian")
    assert not is_lexisnexis_txt("In 1 of 25 DOCUMENTS the minister said")
