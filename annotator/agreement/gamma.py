"""Mathet, Widlöcher & Métivier's γ (2015, "The unified and holistic method gamma (γ) for
inter-annotator agreement measure and alignment", Computational Linguistics 41(3): 437–479),
with γ-cat and γ-k (Mathet 2017, "The agreement measure γcat", HAL hal-01712281).

A *continuum* is one document's spans, a list of units per coder. A *unitary alignment*
takes one unit (or none, ∅) from each coder; an *alignment* puts every unit in exactly one.

- Dissimilarity of two units u, v (the combined categorical one, with its defaults α = β =
  δ∅ = 1): α·δ∅·((|s_u − s_v| + |e_u − e_v|) / (l_u + l_v))² + β·δ∅·[c_u ≠ c_v]; of a
  unit and ∅: δ∅.
- Disorder of a unitary alignment: the mean dissimilarity over its C(n, 2) coder pairs.
- Disorder of an alignment: the sum of its unitary disorders divided by the mean number of
  units per coder. The *best* alignment has the least disorder: an exact cover, solved as
  a mixed-integer program (scipy's ``milp``, HiGHS) over the unitary alignments whose
  summed dissimilarity is at most n·C(n, 2)·δ∅ (the paper's §5.1.1: no other can be part of
  a best alignment). Found pairwise first (every pair's dissimilarity within the bound),
  then extended coder by coder; the program is solved relaxed first, and only the groups
  of units whose relaxed solution is fractional are solved as integers.
- γ = 1 − observed / expected disorder; the expected disorder is the mean best-alignment
  disorder of continua drawn by the *statistical sampler* (pygamma-agreement's default,
  ``StatisticalContinuumSampler``): per coder a normal number of units, normal gaps
  and durations, categories by their frequency, all measured on the coding itself. Seeded:
  the same seed, the same figure.
- γ-cat and γ-k (observed and expected alike, from the same alignments): within each
  unitary alignment of v units, each pair of units weighs (1 / (v − 1))·max(0, 1 − α·d_pos)
  and contributes its categorical dissimilarity; a unit paired with ∅ contributes δ∅² with
  weight δ∅, as pygamma-agreement 0.5.9 does; γ-k counts only pairs where one unit is of k.

Several documents: the corpus's alignment is the union of each document's best alignment
(a unit never aligns across documents), its disorder the sum of all unitary disorders over
the sum of each document's mean number of units per coder, and the sampler draws every
document anew from the statistics of the whole corpus. With one document this is exactly
the definition above.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

SEGMENT_PRECISION = 1e-6  # a sampled unit shorter than this is drawn again (as pyannote)
# more unitary alignments than this in one document (many coders, long overlapping spans)
# would take minutes and gigabytes: refused with the reason instead
MAX_CANDIDATES = 2_000_000


class TooComplex(ValueError):
    """A document has more possible unitary alignments than γ can weigh in reasonable time."""


@dataclass(frozen=True)
class Unit:
    start: float
    end: float
    category: str

    @property
    def length(self) -> float:
        return self.end - self.start


Continuum = Sequence[Sequence[Unit]]  # one document: per coder (in a fixed order), units


@dataclass(frozen=True)
class Dissimilarity:
    alpha: float = 1.0  # weight of the positional dissimilarity
    beta: float = 1.0  # weight of the categorical dissimilarity
    delta_empty: float = 1.0  # dissimilarity of a unit and no unit

    def positional(self, u: Unit, v: Unit) -> float:
        ratio = (abs(u.start - v.start) + abs(u.end - v.end)) / (u.length + v.length)
        return ratio * ratio * self.delta_empty

    def categorical(self, u: Unit, v: Unit) -> float:
        return self.delta_empty * (u.category != v.category)

    def __call__(self, u: Unit, v: Unit) -> float:
        return self.alpha * self.positional(u, v) + self.beta * self.categorical(u, v)

    def matrix(self, a: Sequence[Unit], b: Sequence[Unit]) -> np.ndarray:
        """Every unit of ``a`` against every unit of ``b`` (a row per unit of ``a``)."""
        sa, ea = (np.array([[u.start, u.end] for u in a], dtype=float).reshape(-1, 2).T)
        sb, eb = (np.array([[u.start, u.end] for u in b], dtype=float).reshape(-1, 2).T)
        ratio = ((np.abs(sa[:, None] - sb[None, :]) + np.abs(ea[:, None] - eb[None, :]))
                 / ((ea - sa)[:, None] + (eb - sb)[None, :]))
        codes: dict[str, int] = {}
        ca = np.array([codes.setdefault(u.category, len(codes)) for u in a], dtype=np.int64)
        cb = np.array([codes.setdefault(u.category, len(codes)) for u in b], dtype=np.int64)
        different = ca[:, None] != cb[None, :]
        cost: np.ndarray = self.delta_empty * (self.alpha * ratio * ratio + self.beta * different)
        return cost


Tuple = tuple[int | None, ...]  # a unitary alignment: per coder, a unit's index or None


@dataclass
class Alignment:
    """A best alignment of a corpus: its unitary alignments (per document) and disorder."""

    documents: list[tuple[Continuum, list[Tuple], list[float]]] = field(default_factory=list)
    normaliser: float = 0.0  # the sum over documents of their mean number of units per coder

    @property
    def disorder(self) -> float:
        total = sum(sum(disorders) for _, _, disorders in self.documents)
        return total / self.normaliser if self.normaliser else 0.0


def _candidates(continuum: Continuum, d: Dissimilarity) -> tuple[list[Tuple], list[float]]:
    """Every unitary alignment that may be in a best alignment, with its disorder."""
    n = len(continuum)
    pairs = n * (n - 1) // 2
    limit = n * pairs * d.delta_empty + 1e-9
    empty = d.delta_empty
    # near[(a, b)][i]: the units j of coder b within the bound of unit i of coder a, and
    # their dissimilarity (no other unit of b can share a candidate with i)
    near: dict[tuple[int, int], list[dict[int, float]]] = {}
    for a in range(n):
        for b in range(a + 1, n):
            m = d.matrix(continuum[a], continuum[b])
            rows, cols = np.nonzero(m <= limit)
            found_near: list[dict[int, float]] = [{} for _ in continuum[a]]
            for i, j, value in zip(rows.tolist(), cols.tolist(), m[rows, cols].tolist(),
                                   strict=True):
                found_near[i][j] = value
            near[(a, b)] = found_near
    found: list[Tuple] = []
    disorders: list[float] = []

    def extend(chosen: list[int | None], total: float) -> None:
        coder = len(chosen)
        if coder == n:
            if any(c is not None for c in chosen):
                found.append(tuple(chosen))
                disorders.append(total / pairs)
                if len(found) > MAX_CANDIDATES:
                    raise TooComplex(
                        f"more than {MAX_CANDIDATES:,} possible alignments of {n} coders' "
                        f"{sum(len(c) for c in continuum):,} spans in one document; gamma "
                        f"cannot weigh them in reasonable time (choose fewer coders, or the "
                        f"documents with fewer overlapping spans)")
            return
        reach = [near[(earlier, coder)][unit] for earlier, unit in enumerate(chosen)
                 if unit is not None]
        options = (set(reach[0]).intersection(*reach[1:]) if reach
                   else range(len(continuum[coder])))
        gaps = sum(unit is None for unit in chosen)
        if total + len(chosen) * empty <= limit:  # this coder has no unit here
            extend([*chosen, None], total + len(chosen) * empty)
        for unit in sorted(options):
            added = gaps * empty + sum(r[unit] for r in reach)
            if total + added <= limit:
                extend([*chosen, unit], total + added)

    extend([], 0.0)
    return found, disorders


def best_alignment(continuum: Continuum, d: Dissimilarity) -> tuple[list[Tuple], list[float]]:
    """The unitary alignments of one document's best alignment, and their disorders.

    Exact and fast: the linear relaxation first (HiGHS); the problem falls apart into
    independent groups of units that share candidates, and a group whose relaxed solution
    is integral has its optimum already (the relaxation's bound, reached). Only the groups
    left fractional go to the mixed-integer solver."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp
    from scipy.sparse import csr_matrix

    units = sum(len(c) for c in continuum)
    if units == 0:
        return [], []
    candidates, disorders = _candidates(continuum, d)
    offsets = np.cumsum([0, *(len(c) for c in continuum)])
    members = [[int(offsets[coder] + unit) for coder, unit in enumerate(candidate)
                if unit is not None] for candidate in candidates]
    rows = [r for m in members for r in m]
    cols = [c for c, m in enumerate(members) for _ in m]
    cover = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(units, len(candidates)))
    cost = np.array(disorders)
    relaxed = linprog(cost, A_eq=cover, b_eq=np.ones(units), bounds=(0, 1), method="highs")
    if relaxed.x is None:  # cannot happen: every unit alone is a candidate
        raise ArithmeticError(f"no best alignment found ({relaxed.message})")
    x = relaxed.x
    group = _groups(units, members)
    fractional = {group[m[0]] for m, v in zip(members, x, strict=True) if 1e-7 < v < 1 - 1e-7}
    chosen = [i for i, v in enumerate(x) if v >= 1 - 1e-7 and group[members[i][0]]
              not in fractional]
    if fractional:
        rest = [i for i, m in enumerate(members) if group[m[0]] in fractional]
        solved = milp(cost[rest], constraints=LinearConstraint(cover[:, rest], *(
            np.array([1.0 if group[u] in fractional else 0.0 for u in range(units)]),) * 2),
            integrality=np.ones(len(rest)), bounds=Bounds(0, 1))
        if solved.x is None:
            raise ArithmeticError(f"no best alignment found ({solved.message})")
        chosen += [rest[i] for i in np.flatnonzero(solved.x > 0.5)]
    chosen.sort()
    return [candidates[i] for i in chosen], [disorders[i] for i in chosen]


def _groups(units: int, members: list[list[int]]) -> list[int]:
    """Each unit's group: units joined by a candidate holding both (union-find)."""
    parent = list(range(units))

    def root(u: int) -> int:
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    for m in members:
        for u in m[1:]:
            parent[root(u)] = root(m[0])
    return [root(u) for u in range(units)]


def align(corpus: Sequence[Continuum], d: Dissimilarity,
          cancelled: Callable[[], bool] | None = None) -> Alignment:
    result = Alignment()
    for continuum in corpus:
        if cancelled and cancelled():
            from annotator.domain.errors import Cancelled

            raise Cancelled()
        tuples, disorders = best_alignment(continuum, d)
        result.documents.append((continuum, tuples, disorders))
        result.normaliser += sum(len(c) for c in continuum) / len(continuum)
    return result


def category_disorder(alignment: Alignment, d: Dissimilarity,
                      category: str | None = None) -> float:
    """γ-cat's disorder (``category`` None) or γ-k's, of one alignment (module docstring)."""
    disorder = weight = 0.0
    seen = aligned = False
    for continuum, tuples, _ in alignment.documents:
        for candidate in tuples:
            units = [continuum[c][u] if u is not None else None for c, u in enumerate(candidate)]
            present = sum(u is not None for u in units)
            base = 1 / (present - 1) if present >= 2 else 0.0
            for i, u in enumerate(units):
                for v in units[i + 1:]:
                    if category is not None and (u is None or u.category != category) and (
                            v is None or v.category != category):
                        continue
                    seen = True
                    if u is None or v is None:
                        if u is not None or v is not None:
                            disorder += d.delta_empty * d.delta_empty
                            weight += d.delta_empty
                        continue
                    aligned = True
                    confidence = max(0.0, 1 - d.alpha * d.positional(u, v))
                    disorder += d.categorical(u, v) * base * confidence
                    weight += base * confidence
    if not aligned:
        return 0.0 if seen else 1.0
    return disorder / weight if disorder else 0.0


@dataclass(frozen=True)
class StatisticalSampler:
    """Continua drawn from the coding's own statistics (pygamma-agreement's
    ``StatisticalContinuumSampler``, extended to several documents)."""

    units: tuple[float, float]  # mean and standard deviation per coder and document
    gap: tuple[float, float]  # before each unit (from the previous one's end, or 0)
    duration: tuple[float, float]
    categories: tuple[str, ...]
    weights: tuple[float, ...]

    name = "statistical sampler (pygamma-agreement's StatisticalContinuumSampler)"

    @classmethod
    def of(cls, corpus: Sequence[Continuum]) -> StatisticalSampler:
        counts: list[int] = []
        gaps, durations = [0.0], []
        categories: dict[str, int] = {}
        for continuum in corpus:
            for units in continuum:
                ordered = sorted(units, key=lambda u: (u.start, u.end, u.category))
                counts.append(len(ordered))
                gaps += [b.start - a.end for a, b in zip(ordered, ordered[1:], strict=False)]
                if ordered and ordered[0].start > 0:
                    gaps.append(ordered[0].start)
                durations += [u.length for u in ordered]
                for u in ordered:
                    categories[u.category] = categories.get(u.category, 0) + 1
        total = sum(categories.values())
        names = tuple(sorted(categories))
        return cls((float(np.mean(counts)), float(np.std(counts))),
                   (float(np.mean(gaps)), float(np.std(gaps))),
                   (float(np.mean(durations)), float(np.std(durations))),
                   names, tuple(categories[k] / total for k in names))

    def sample(self, shape: Sequence[int], rng: np.random.Generator) -> list[list[list[Unit]]]:
        """A corpus of ``len(shape)`` documents, document i with ``shape[i]`` coders."""
        corpus = []
        for coders in shape:
            document: list[list[Unit]] = []
            for _ in range(coders):
                units: list[Unit] = []
                count = abs(int(rng.normal(*self.units)))
                if not any(document):  # a sample holds at least one unit
                    count = max(1, count)
                last = 0.0
                for _ in range(count):
                    start = last + rng.normal(*self.gap)
                    end = start + abs(rng.normal(*self.duration))
                    while end - start < SEGMENT_PRECISION:
                        end = start + abs(rng.normal(*self.duration))
                    category = str(rng.choice(self.categories, p=self.weights))
                    units.append(Unit(start, end, category))
                    last = end
                document.append(units)
            corpus.append(document)
        return corpus


@dataclass(frozen=True)
class GammaResult:
    observed: float  # the best alignment's disorder
    expected: float  # the mean best-alignment disorder of the samples
    gamma: float
    gamma_cat: float
    gamma_k: dict[str, float]
    samples: int
    seed: int
    sampler: str
    units: int


Progress = Callable[[int, int], None]


def gamma(corpus: Sequence[Continuum], d: Dissimilarity | None = None, *, samples: int = 30,
          seed: int = 0, progress: Progress | None = None,
          cancelled: Callable[[], bool] | None = None) -> GammaResult | None:
    """γ, γ-cat and γ-k of a corpus (documents with at least two coders and a unit);
    None if there is none such."""
    d = d or Dissimilarity()
    corpus = [c for c in corpus if len(c) >= 2 and any(c)]
    if not corpus:
        return None
    observed = align(corpus, d, cancelled)
    sampler = StatisticalSampler.of(corpus)
    rng = np.random.default_rng(seed)
    chance: list[Alignment] = []
    for done in range(samples):
        chance.append(align(sampler.sample([len(c) for c in corpus], rng), d, cancelled))
        if progress:
            progress(done + 1, samples)
    expected = float(np.mean([a.disorder for a in chance]))

    def ratio(observed_value: float, expected_value: float) -> float:
        if observed_value == 0:
            return 1.0
        return 0.0 if expected_value == 0 else 1 - observed_value / expected_value

    def of_category(category: str | None) -> float:
        return ratio(category_disorder(observed, d, category),
                     float(np.mean([category_disorder(a, d, category) for a in chance])))

    return GammaResult(observed.disorder, expected,
                       1.0 if observed.disorder == 0 else 1 - observed.disorder / expected,
                       of_category(None), {k: of_category(k) for k in sampler.categories},
                       samples, seed, StatisticalSampler.name,
                       sum(len(u) for c in corpus for u in c))

