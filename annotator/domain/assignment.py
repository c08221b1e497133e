"""Planning a study's design: which coder codes which document.

A reliability sample (``overlap`` documents, drawn at random with a seed, proportionally
from each stratum on request) is coded by ``per_document`` coders each, spread evenly over
the coders and over their combinations; every other document goes to one coder, so that
every coder ends with as even a load as can be. Work already done is kept: a coder who has
coded a document stays assigned to it, whatever the new plan says. Pure: no storage here.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from annotator.domain.errors import AnnotatorError


@dataclass
class Plan:
    coders: dict[int, list[str]] = field(default_factory=dict)  # document → its coders
    reliability: set[int] = field(default_factory=set)  # the double-coded sample
    order: dict[str, list[int]] = field(default_factory=dict)  # coder → documents in order

    def load(self) -> Counter[str]:
        return Counter(c for coders in self.coders.values() for c in coders)


def sample_size(documents: int, overlap: str | int | None) -> int:
    """``"20%"`` (rounded, at least one document when the share is not zero) or a count."""
    if overlap is None:
        return 0
    if isinstance(overlap, str) and overlap.strip().endswith("%"):
        try:
            share = float(overlap.strip()[:-1])
        except ValueError:
            raise AnnotatorError(f"overlap {overlap!r} is not a percentage") from None
        if not 0 <= share <= 100:
            raise AnnotatorError(f"overlap {overlap!r} must be between 0% and 100%")
        return min(documents, max(1 if share else 0, round(documents * share / 100)))
    try:
        count = int(overlap)
    except ValueError:
        raise AnnotatorError(f"overlap {overlap!r} is neither a count nor a percentage") from None
    if not 0 <= count <= documents:
        raise AnnotatorError(f"overlap {count} must be between 0 and the {documents} documents")
    return count


def _draw(documents: Sequence[int], strata: Mapping[int, Hashable], size: int,
          rng: random.Random) -> list[int]:
    """A seeded random sample; with strata, each stratum in proportion (largest remainder)."""
    if not strata:
        return rng.sample(list(documents), size)
    groups: dict[Hashable, list[int]] = defaultdict(list)
    for doc in documents:
        groups[strata.get(doc)].append(doc)
    keys = sorted(groups, key=str)
    quotas = {k: size * len(groups[k]) / len(documents) for k in keys}
    taken = {k: int(quotas[k]) for k in keys}
    for k in sorted(keys, key=lambda k: (taken[k] - quotas[k], str(k)))[:size - sum(
            taken.values())]:
        taken[k] += 1
    return [d for k in keys for d in rng.sample(groups[k], taken[k])]


def plan(documents: Sequence[int], coders: Sequence[str], *, overlap: str | int | None = None,
         per_document: int = 2, strata: Mapping[int, Hashable] | None = None, seed: int = 1,
         kept: Mapping[int, set[str]] | None = None, import_order: bool = False) -> Plan:
    """The design; ``kept``: coders who already have work on a document (they stay)."""
    if len(set(coders)) != len(coders) or not coders:
        raise AnnotatorError("name each coder once, at least one")
    rng = random.Random(seed)
    size = sample_size(len(documents), overlap)
    if size and per_document < 2:
        raise AnnotatorError("a reliability sample needs --per-document 2 or more")
    if size and per_document > len(coders):
        raise AnnotatorError(f"--per-document {per_document} needs that many coders "
                             f"(there are {len(coders)})")
    result = Plan()
    sample = _draw(documents, strata or {}, size, rng)
    groups = list(combinations(coders, per_document))
    rng.shuffle(groups)
    for i, doc in enumerate(sample):
        result.coders[doc] = list(groups[i % len(groups)])
        result.reliability.add(doc)
    rest = [d for d in documents if d not in result.reliability]
    rng.shuffle(rest)
    load = result.load()
    for doc in rest:
        coder = min(coders, key=lambda c: (load[c], coders.index(c)))
        result.coders[doc] = [coder]
        load[coder] += 1
    for doc, have in (kept or {}).items():  # coded work is never taken away
        if doc in result.coders:
            result.coders[doc] += [c for c in sorted(have) if c not in result.coders[doc]]
    for coder in coders:
        mine = [d for d in documents if coder in result.coders.get(d, ())]
        if not import_order:
            random.Random(f"{seed}/{coder}").shuffle(mine)  # each coder's own order
        result.order[coder] = mine
    for have in (kept or {}).values():  # coders no longer in the list keep their order too
        for coder in have:
            if coder not in result.order:
                result.order[coder] = [d for d in documents if coder in result.coders.get(d, ())]
    return result
