"""Near-duplicate documents: the same wire story in several outlets with small edits.

Each text becomes a set of word shingles (``k`` consecutive words, case folded, hashed to
64 bits). A one-permutation MinHash sketch of every set (``bins`` bins, empty bins filled
by rotation: Shrivastava & Li, "Densifying one permutation hashing", ICML 2014) goes
through LSH banding, and every pair that shares a band is checked with the exact Jaccard
similarity of the two shingle sets. So a reported pair and its similarity are never an
estimate; the sketch only decides which pairs are worth checking (and can miss a pair, with
a probability the banding keeps below 1 in 1,000 at the threshold). Pairs at or above the
threshold join groups (connected components), ordered by their smallest document id.

Why not datasketch: its ``MinHashLSH`` needs scipy (~100 MB) to choose bands, and it
evaluates every one of its 128 permutations on every shingle in Python's loop; one
permutation, vectorised in numpy, is about 100 times less work for the same recall.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from annotator.domain.errors import Cancelled

BINS = 128
SHINGLE = 5
_WORD = re.compile(r"\w+")
_MULT = np.uint64(0x9E3779B97F4A7C15)
_VALUE_BITS = 57  # a bin's value; the top 7 bits of a hash choose one of 128 bins
_EMPTY = np.uint64(2**64 - 1)
_word_hashes: dict[str, int] = {}


@dataclass(frozen=True)
class DuplicatePair:
    first: int  # document ids, first < second
    second: int
    similarity: float  # exact Jaccard of the two shingle sets


@dataclass(frozen=True)
class DuplicateGroup:
    members: tuple[int, ...]  # document ids, ascending
    pairs: tuple[DuplicatePair, ...]  # the checked pairs that joined them

    def similarity_to_group(self, member: int) -> float:
        """The highest similarity of ``member`` to another member."""
        return max((p.similarity for p in self.pairs if member in (p.first, p.second)),
                   default=1.0)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: every input bit moves every output bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = x ^ (x >> np.uint64(31))
    return mixed


def _word_hash(word: str) -> int:
    data = word.encode("utf-8", "surrogatepass")
    value = zlib.crc32(data) | (zlib.crc32(data, 0x5BD1E995) << 32)
    if len(_word_hashes) > 2_000_000:
        _word_hashes.clear()
    _word_hashes[word] = value
    return value


def _word_hash_list(words: list[str]) -> list[int]:
    found = list(map(_word_hashes.get, words))
    if None in found:
        found = [h if h is not None else _word_hash(w) for h, w in zip(found, words, strict=True)]
    return found  # type: ignore[return-value]


def shingles(text: str, k: int = SHINGLE) -> np.ndarray:
    """The sorted, distinct 64-bit hashes of every ``k`` consecutive words of ``text``
    (words as ``\\w+``, case folded). A text shorter than ``k`` words is one shingle."""
    return np.unique(_shingle_hashes(text, k))


def _shingle_hashes(text: str, k: int) -> np.ndarray:
    """Every shingle's hash, in text order, repeats kept (a sketch needs no more)."""
    words = np.array(_word_hash_list(_WORD.findall(text.casefold())), dtype=np.uint64)
    if words.size == 0:
        return words
    k = min(k, words.size)
    with np.errstate(over="ignore"):
        combined = words[: words.size - k + 1].copy()
        for i in range(1, k):
            combined = combined * _MULT + words[i: words.size - k + 1 + i]
        return _mix(combined)


def sketch(shingle_set: np.ndarray, bins: int = BINS) -> np.ndarray:
    """A one-permutation MinHash of ``shingle_set``: in each of ``bins`` bins the smallest
    value that falls in it; an empty bin takes the next filled bin's value (circularly),
    marked with how far it looked, so two sets agree in a bin as often as MinHash says.
    Repeated values in ``shingle_set`` change nothing."""
    bits = bins.bit_length() - 1
    if 1 << bits != bins or bins > 128:
        raise ValueError("bins must be a power of two up to 128")
    with np.errstate(over="ignore"):
        hashed = _mix(shingle_set ^ np.uint64(0xD6E8FEB86659FD93))
    which = (hashed >> np.uint64(64 - bits)).astype(np.intp)
    values = hashed & np.uint64((1 << _VALUE_BITS) - 1)
    out = np.full(bins, _EMPTY, dtype=np.uint64)
    np.minimum.at(out, which, values)
    empty = out == _EMPTY
    if empty.any() and not empty.all():
        filled = np.flatnonzero(~empty)
        positions = np.flatnonzero(empty)
        nxt = np.searchsorted(filled, positions) % filled.size
        source = filled[nxt]
        distance = (source - positions) % bins
        out[positions] = out[source] | (distance.astype(np.uint64) << np.uint64(_VALUE_BITS))
    return out


def banding(threshold: float, bins: int = BINS, recall: float = 0.999) -> tuple[int, int]:
    """``(bands, rows)``: the most rows per band (fewest pairs to check) for which a pair
    exactly at ``threshold`` shares at least one band with probability ``recall``."""
    best = (bins, 1)
    for rows in range(1, bins + 1):
        bands = bins // rows
        if 1 - (1 - threshold ** rows) ** bands >= recall:
            best = (bands, rows)
    return best


def candidate_pairs(sketches: np.ndarray, bands: int, rows: int,
                    bucket_limit: int = 64) -> np.ndarray:
    """Index pairs ``(i, j)``, ``i < j``, of rows of ``sketches`` that agree in every bin of
    at least one band. A bucket larger than ``bucket_limit`` (boilerplate shared by
    hundreds of texts) pairs each member with its bucket's first and next member only."""
    n = sketches.shape[0]
    found: list[np.ndarray] = []
    for band in range(bands):
        key = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in range(band * rows, (band + 1) * rows):
                key = _mix(key * _MULT + sketches[:, column])
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, n])
        for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
            members = np.sort(order[start: start + size])
            if size <= bucket_limit:
                i, j = np.triu_indices(size, 1)
                found.append(np.stack([members[i], members[j]], axis=1))
            else:
                chain = np.stack([members[:-1], members[1:]], axis=1)
                star = np.stack([np.full(size - 2, members[0]), members[2:]], axis=1)
                found.append(np.concatenate([chain, star]))
    if not found:
        return np.zeros((0, 2), dtype=np.intp)
    every = np.concatenate(found).astype(np.int64)
    return np.unique(every, axis=0)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity of two sorted sets of distinct shingles."""
    if a.size == 0 and b.size == 0:
        return 1.0
    shared = np.intersect1d(a, b, assume_unique=True).size
    return shared / (a.size + b.size - shared)


def group(pairs: Iterable[DuplicatePair]) -> list[DuplicateGroup]:
    """Connected components of ``pairs``, each with the pairs that joined it."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kept = list(pairs)
    for pair in kept:
        a, b = root(pair.first), root(pair.second)
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    joined: dict[int, list[DuplicatePair]] = {}
    for pair in kept:
        joined.setdefault(root(pair.first), []).append(pair)
    return [DuplicateGroup(tuple(sorted(members[r])),
                           tuple(sorted(joined[r], key=lambda p: (p.first, p.second))))
            for r in sorted(members)]


Texts = Callable[[list[int] | None], Iterable[tuple[int, str]]]


def find_near_duplicates(texts: Texts, threshold: float = 0.9, *, k: int = SHINGLE,
                         bins: int = BINS, total: int | None = None,
                         progress: Callable[[int, int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> list[DuplicateGroup]:
    """Groups of documents whose shingle sets have a Jaccard similarity of at least
    ``threshold`` to another member. ``texts(None)`` yields every ``(id, text)``;
    ``texts(ids)`` those of ``ids`` (read again to check the candidate pairs, so memory
    holds sketches, not every text). ``progress(done, total)`` counts documents read in
    the first pass; it reaches ``total`` when the pairs are checked."""
    if not 0 < threshold <= 1:
        raise ValueError("the threshold is a similarity between 0 and 1, e.g. 0.9")
    ids: list[int] = []
    sketches = np.empty((total or 1024, bins), dtype=np.uint64)  # grown if ``total`` is low
    for done, (doc_id, text) in enumerate(texts(None), 1):
        hashes = _shingle_hashes(text, k)
        if hashes.size:
            if len(ids) == sketches.shape[0]:
                sketches = np.resize(sketches, (2 * len(ids), bins))
            sketches[len(ids)] = sketch(hashes, bins)
            ids.append(doc_id)
        if progress and done % 500 == 0 and done < (total or 0):
            progress(done, total or 0)
        if cancelled and done % 500 == 0 and cancelled():
            raise Cancelled()
    seen = total or len(ids)
    if len(ids) < 2:
        if progress:
            progress(seen, seen)
        return []
    bands, band_rows = banding(threshold, bins)
    found = candidate_pairs(sketches[: len(ids)], bands, band_rows)
    del sketches
    involved = sorted({ids[i] for i in np.unique(found)})
    sets: dict[int, np.ndarray] = {}
    for done, (doc_id, text) in enumerate(texts(involved), 1):
        sets[doc_id] = shingles(text, k)
        if cancelled and done % 500 == 0 and cancelled():
            raise Cancelled()
    pairs = verified(((ids[i], ids[j]) for i, j in found), sets, threshold)
    if progress:
        progress(seen, seen)
    return group(pairs)


def verified(candidates: Iterable[tuple[int, int]], sets: Mapping[int, np.ndarray],
             threshold: float) -> list[DuplicatePair]:
    """The candidate pairs whose exact Jaccard similarity reaches ``threshold``."""
    out = []
    for a, b in candidates:
        similarity = jaccard(sets[a], sets[b])
        if similarity >= threshold:
            out.append(DuplicatePair(min(a, b), max(a, b), round(similarity, 4)))
    return out
