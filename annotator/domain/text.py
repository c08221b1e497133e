"""Text helpers: newline normalisation, content hashes, UTF-16 ⇄ code point offsets, snapping.

Stored offsets are Python ``str`` indices (code points). Qt counts UTF-16 units. ``OffsetMap``
is the one place that converts between the two; the UI never does its own arithmetic.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable

ZWJ = "\u200d"
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading BOM goes. Nothing else changes."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def publication_key(text_hash: str, outlet: str | None, date: str | None) -> str:
    """What makes a document one publication: its text (by ``content_hash``) as printed by
    one outlet on one date. The same wire story in two papers is two units of a content
    analysis; an import skips only a document whose key the project holds. PostgreSQL's
    migration (``storage.postgres.schema``, version 9) computes the same value in SQL."""
    joined = "\x1f".join((text_hash, outlet or "", date or ""))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


class OffsetMap:
    """Converts between code point indices and UTF-16 positions for one text.

    Only characters outside the Basic Multilingual Plane take two UTF-16 units, so the map
    stores just their indices; for a text without any, both conversions are the identity.
    """

    __slots__ = ("_astral", "_astral_utf16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        self._astral = ([] if text.isascii()
                        else [m.start() for m in _ASTRAL.finditer(text)])
        self._astral_utf16 = [i + k for k, i in enumerate(self._astral)]
        self.length = len(text)
        self.utf16_length = self.length + len(self._astral)

    def to_utf16(self, index: int) -> int:
        """UTF-16 position of code point ``index`` (0 <= index <= len(text))."""
        if not self._astral:
            return index
        return index + bisect_left(self._astral, index)

    def to_utf16_sorted(self, indices: Iterable[int]) -> list[int]:
        """``to_utf16`` of each of ``indices``, given in ascending order: one walk along the
        text's astral characters instead of a search for each (a band's pieces: 1,400)."""
        astral = self._astral
        if not astral:
            return list(indices)
        out, k, count = [], 0, len(astral)
        for index in indices:
            while k < count and astral[k] < index:
                k += 1
            out.append(index + k)
        return out

    def to_python(self, position: int, *, snap: str = "floor") -> int:
        """Code point index at UTF-16 ``position``.

        A position inside a surrogate pair snaps to the pair's start (``floor``) or to its end
        (``ceil``), so a selection never splits a character.
        """
        if not self._astral:
            return position
        # Astral characters that start strictly before `position` in UTF-16.
        k = bisect_left(self._astral_utf16, position)
        if k > 0 and self._astral_utf16[k - 1] + 1 == position:  # inside a pair
            return self._astral[k - 1] + (1 if snap == "ceil" else 0)
        return position - k


def _is_extender(ch: str) -> bool:
    """Characters that belong to the character before them (marks, ZWJ, selectors, skin tones)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch == ZWJ
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def _continues_cluster(text: str, index: int) -> bool:
    """True if ``text[index]`` cannot start a new user-perceived character."""
    if index <= 0 or index >= len(text):
        return False
    return _is_extender(text[index]) or text[index - 1] == ZWJ


def snap_to_clusters(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so it splits no combining sequence or emoji ZWJ sequence."""
    while start > 0 and _continues_cluster(text, start):
        start -= 1
    while end < len(text) and _continues_cluster(text, end):
        end += 1
    return start, end


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’-" or _is_extender(ch)


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words and trim white space at either edge.

    A selection that holds no word character (only punctuation, say) is kept as it is, only
    trimmed, so a coder can still mark a quotation mark on purpose.
    """
    start, end = snap_to_clusters(text, start, end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return start, end
    while start > 0 and _is_word_char(text[start - 1]) and _is_word_char(text[start]):
        start -= 1
    while end < len(text) and _is_word_char(text[end]) and _is_word_char(text[end - 1]):
        end += 1
    return snap_to_clusters(text, start, end)


def excerpt(text: str, limit: int = 80) -> str:
    """One line of at most ``limit`` characters, for tables and tooltips."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
