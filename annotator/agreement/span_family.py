"""The report's span figures beyond u-alpha (1995/2004): the u-alpha family of 2016
(``ualpha_family``) and Mathet's γ (``gamma``), computed from the spans in scope.

Targets, as the rest of the report names them:

- the whole scheme (``*``): the family with the *categories* as values (a coder's spans of
  different categories must not overlap: a partition is what the family measures), and γ
  and γ-cat with the categories as γ's categories; each category's (k)uα and γ-k under the
  category's key;
- each category: the family with its *labels* as values (a span without a label has the
  value "(no label)"), each label's (k)uα under ``category/label``.

A coder's spans of one value that share a character count as their union, as in every
figure of the report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotator.agreement.gamma import Dissimilarity, TooComplex, Unit, gamma
from annotator.agreement.result import Coefficient
from annotator.agreement.ualpha_family import Document, Family, OverlappingUnits, family
from annotator.agreement.unitizing import merge_overlaps
from annotator.domain.model import Span
from annotator.domain.scheme import CodingScheme

NO_LABEL = "(no label)"
Found = list[tuple[str, Coefficient]]  # (target, figure)
ByDocument = dict[int, dict[str, list[Span]]]


def _units(spans: Sequence[Span], value: Callable[[Span], str]) -> list[tuple[int, int, str]]:
    """One coder's units: spans of one value that share a character joined (the union)."""
    grouped: dict[str, list[tuple[int, int]]] = {}
    for span in spans:
        grouped.setdefault(value(span), []).append((span.start, span.end))
    return sorted((s, e, v) for v, ranges in grouped.items() for s, e in merge_overlaps(ranges))


def _overlap(units: list[tuple[int, int, str]]) -> tuple[str, str] | None:
    for (_, e1, v1), (s2, _, v2) in zip(units, units[1:], strict=False):
        if s2 < e1:
            return v1, v2
    return None


def _any(span: Span) -> bool:
    return True


def _category(span: Span) -> str:
    return span.category


def _label(span: Span) -> str:
    return span.label or NO_LABEL


def _same(value: str) -> str:
    return value


def _of(category: str) -> Callable[[Span], bool]:
    return lambda span: span.category == category


def _under(category: str) -> Callable[[str], str]:
    return lambda value: f"{category}/{value}"


def family_figures(scheme: CodingScheme, documents: list[int], lengths: dict[int, int],
                   in_scope: dict[int, list[str]], by_doc: ByDocument) -> Found:
    found: Found = []
    Group = tuple[str, Callable[[Span], bool], Callable[[Span], str],
                  Callable[[str], str] | None]
    groups: list[Group] = [("*", _any, _category, _same)]
    for category in scheme.categories:  # a category without labels has no values to tell
        groups.append((category.key, _of(category.key), _label,
                       _under(category.key) if category.labels else None))
    for target, chosen, value, value_target in groups:
        docs: list[Document] = []
        overlap = None
        for doc in documents:
            coders = in_scope[doc]
            units = [_units([s for s in by_doc.get(doc, {}).get(c, ()) if chosen(s)], value)
                     for c in coders]
            for coder, coded in zip(coders, units, strict=True):
                if overlap is None and (pair := _overlap(coded)):
                    overlap = (f"{coder}'s spans of {pair[0]!r} and {pair[1]!r} overlap in "
                               f"document {doc}; the u-alpha family needs each coder's units "
                               f"apart (a partition of the text)")
            docs.append(Document(lengths[doc], units))
        found += _family_rows(target, docs, overlap, value_target, len(documents))
    return found


def _family_rows(target: str, docs: list[Document], overlap: str | None,
                 value_target: Callable[[str], str] | None, documents: int) -> Found:
    coders = max((len(d.units) for d in docs), default=0)
    length = sum(d.length for d in docs)
    names = ("u_alpha_2016", "binary_u_alpha", "cu_alpha")
    if overlap or not docs:
        reason = overlap or "no document with two coders"
        return [(target, Coefficient.undefined(n, reason, length, coders, documents=documents))
                for n in names]
    try:
        result: Family = family(docs)
    except OverlappingUnits as exc:  # cannot happen after _overlap; kept for callers
        return [(target, Coefficient.undefined(n, str(exc), length, coders)) for n in names]
    details = {"documents": documents}
    out: Found = []
    for name, value, key in zip(names, (result.u_alpha, result.binary_u_alpha,
                                        result.cu_alpha), ("uα", "|uα", "cuα"), strict=True):
        extra = {"coverage": round(result.coverage, 6)} if name == "cu_alpha" else {}
        out.append((target, Coefficient(name, value, length, coders,
                                        result.why.get(key) if value is None else None,
                                        {**details, **extra})))
    for k, value in result.k_u_alpha.items():
        if value_target is None:
            break
        why = result.why.get(f"({k})uα") or result.why.get("cuα")
        out.append((value_target(str(k)), Coefficient(
            "k_u_alpha", value, length, coders, why if value is None else None,
            dict(details))))
    return out


def gamma_figures(scheme: CodingScheme, documents: list[int], in_scope: dict[int, list[str]],
                  by_doc: ByDocument, *, samples: int, seed: int,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Found:
    """γ and γ-cat of the whole scheme, γ-k of each category (module docstring)."""
    corpus = []
    for doc in documents:
        corpus.append([[Unit(s, e, v) for s, e, v in _units(by_doc.get(doc, {}).get(c, ()),
                                                              lambda sp: sp.category)]
                       for c in in_scope[doc]])
    d = Dissimilarity()
    coders = max((len(in_scope[doc]) for doc in documents), default=0)
    try:
        result = gamma(corpus, d, samples=samples, seed=seed, progress=progress,
                       cancelled=cancelled)
    except TooComplex as exc:
        return [("*", Coefficient.undefined(n, str(exc), 0, coders, documents=len(documents)))
                for n in ("gamma", "gamma_cat")]
    if result is None:
        reason = "no document with two coders and a span"
        return [("*", Coefficient.undefined(n, reason, 0, coders, documents=len(documents)))
                for n in ("gamma", "gamma_cat")]
    details = {"documents": len(documents), "observed_disorder": result.observed,
               "expected_disorder": result.expected, "samples": result.samples,
               "seed": result.seed, "sampler": result.sampler,
               "dissimilarity": f"combined categorical, alpha={d.alpha:g}, beta={d.beta:g}, "
                                f"delta_empty={d.delta_empty:g}"}
    out: Found = [("*", Coefficient("gamma", result.gamma, result.units, coders, None, details)),
                  ("*", Coefficient("gamma_cat", result.gamma_cat, result.units, coders, None,
                                    dict(details)))]
    for category in scheme.categories:
        value = result.gamma_k.get(category.key)
        out.append((category.key, Coefficient(
            "gamma_k", value, result.units, coders,
            None if value is not None else "no span of this category", dict(details))))
    return out

