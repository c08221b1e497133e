"""The agreement report: every coefficient for a set of coders and documents, as rows.

Pure: it takes what the storage layer read (``AgreementInput``) and returns an
``AgreementReport``. Targets are the whole scheme (``*``), a category, or a category's
label (``category/label``); for spans a value is a label, or the category itself when it
has no labels.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotator.agreement.bootstrap import bootstrap_alpha
from annotator.agreement.characters import MaskCounts, character_alpha, character_pair
from annotator.agreement.coding import (
    Unit,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from annotator.agreement.matching import MatchCounts, max_matching
from annotator.agreement.result import Coefficient
from annotator.agreement.span_family import family_figures, gamma_figures
from annotator.agreement.unitizing import (
    Continuum,
    combine_parts,
    join,
    merge_overlaps,
    value_parts,
)
from annotator.domain.model import Span
from annotator.domain.scheme import CodingScheme

RULES = ("Documents: those at least two of the chosen coders marked done (or, on request, "
         "every document two of them coded); on each, the chosen coders who did are its "
         "coders, and a coder who did not is missing, not 'no spans'. Unitizing alpha: the "
         "documents' character continua are kept apart (gaps end at document ends; "
         "--continuum joined puts them end to end, as DKPro Agreement and INCEpTION do), "
         "each document's coder pairs weigh 1/(m-1) as alpha weighs pairable values "
         "(Krippendorff 2011). Pairwise figures use the documents both coders coded. Spans, "
         "in every figure: one coder's spans of the same label that share a character count "
         "as their union; spans that only touch stay separate units. Undefined figures (no "
         "variation, nothing pairable) are reported as undefined with the reason, never as "
         "1 or 0.")


@dataclass(frozen=True)
class AgreementInput:
    scheme: CodingScheme
    coders: list[str]
    lengths: dict[int, int]  # document id → text length
    titles: dict[int, str]
    in_scope: dict[int, list[str]]  # document id → coders whose work counts there
    spans: list[Span]
    variables: dict[int, dict[str, dict[str, Any]]]  # document → coder → variable → value
    scope: str = "done"
    left_out: dict[str, int] = field(default_factory=dict)  # reason → documents
    continuum: str = "separate"  # or "joined"
    assisted: int = 0  # spans in scope made with help (auto-coding, accepted suggestions)
    assisted_left_out: bool = False  # and those spans are not in ``spans``


@dataclass(frozen=True)
class Row:
    section: str  # "spans" or "variables"
    target: str  # "*", a category, "category/label", or a variable key
    coders: str  # "all" or "a|b"
    result: Coefficient

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "target": self.target, "coders": self.coders,
                **self.result.as_dict()}


@dataclass(frozen=True)
class Disagreement:
    """Where a document's coders differ: a category's spans, or (``variable`` set, its key
    in ``category``) a document variable's values."""

    document_id: int
    title: str
    category: str
    spans: dict[str, list[tuple[int, int, str | None, str]]]  # coder → (start, end, label, text)
    values: dict[str, Any] = field(default_factory=dict)  # coder → value, for a variable
    variable: bool = False

    @property
    def coders(self) -> list[str]:
        return list(self.values if self.variable else self.spans)


@dataclass
class AgreementReport:
    coders: list[str]
    documents: int
    scope: str
    rows: list[Row] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    rules: str = RULES
    left_out: dict[str, int] = field(default_factory=dict)  # reason → documents left out
    names: dict[str, str] = field(default_factory=dict)  # target → the scheme's name for it

    def name(self, target: str) -> str:
        return self.names.get(target, target)

    def find(self, section: str, target: str, name: str, coders: str = "all") -> Coefficient:
        return next(r.result for r in self.rows if (r.section, r.target, r.result.name,
                                                      r.coders) == (section, target, name, coders))


def _value_of(span: Span, with_label: bool) -> str:
    return f"{span.category}/{span.label}" if with_label and span.label else span.category


def _targets(scheme: CodingScheme) -> list[tuple[str, list[str]]]:
    """Each target and the span values it groups, whole scheme first. The scheme and each
    category are compared at the *category* level: a span of a category is that category's
    whatever its label, and a span labelled later matches one not labelled yet. Each label
    is a target of its own (the *label* level), as ATLAS.ti and INCEpTION keep them apart."""
    targets: list[tuple[str, list[str]]] = []
    for category in scheme.categories:
        targets.append((category.key, [category.key]))
        targets += [(f"{category.key}/{lb.key}", [f"{category.key}/{lb.key}"])
                    for lb in category.labels]
    return [("*", [c.key for c in scheme.categories]), *targets]


def _names(scheme: CodingScheme) -> dict[str, str]:
    """What the scheme calls each target, for a reader of the report."""
    names = {"*": "All categories"}
    for category in scheme.categories:
        names[category.key] = category.name
        for label in category.labels:
            names[f"{category.key}/{label.key}"] = f"{category.name}: {label.name}"
        names[f"{category.key}:label"] = f"{category.name}: label of matched spans"
        for attribute in category.attributes:
            names[f"{category.key}:attribute:{attribute.key}"] = (
                f"{category.name}: {attribute.name} of matched spans")
    for variable in scheme.variables:
        names[variable.key] = variable.name
    return names


def build_report(data: AgreementInput, *, bootstrap_samples: int = 1000,
                 gamma_samples: int = 0, gamma_seed: int = 0,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> AgreementReport:
    """Every figure; γ only with ``gamma_samples`` (it aligns that many sampled corpora:
    seconds at a thousand spans), reporting its progress as (sample, samples)."""
    documents = sorted(d for d, coders in data.in_scope.items() if len(coders) >= 2)
    report = AgreementReport(data.coders, len(documents), data.scope,
                             left_out=dict(data.left_out), names=_names(data.scheme))
    by_doc: dict[int, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for span in data.spans:
        if span.coder in data.in_scope.get(span.document_id, ()):
            by_doc[span.document_id][span.coder].append(span)
    _span_rows(report, data, documents, by_doc)
    report.rows += [Row("spans", target, "all", figure) for target, figure in family_figures(
        data.scheme, documents, data.lengths, data.in_scope, by_doc)]
    if gamma_samples:
        report.rows += [Row("spans", target, "all", figure) for target, figure in gamma_figures(
            data.scheme, documents, data.in_scope, by_doc, samples=gamma_samples,
            seed=gamma_seed, progress=progress, cancelled=cancelled)]
    _match_rows(report, data, documents, by_doc)
    _variable_rows(report, data, documents, bootstrap_samples)
    report.disagreements = _disagreements(data, documents, by_doc)
    return report


def _span_rows(report: AgreementReport, data: AgreementInput, documents: list[int],
               by_doc: dict[int, dict[str, list[Span]]]) -> None:
    targets = _targets(data.scheme)
    continua: list[Continuum] = []
    scopes: list[list[str]] = []
    for doc in documents:
        units: dict[str, dict[Hashable, list[tuple[int, int]]]] = {
            c: dict(_group(spans)) for c, spans in by_doc.get(doc, {}).items()}
        continua.append(Continuum(data.lengths[doc], units))
        scopes.append(data.in_scope[doc])
    coders = data.coders
    u_note: dict[str, Any] = {}
    u_continua, u_scopes = continua, scopes
    if data.continuum == "joined":  # one continuum needs the same coders all along
        full = [c for c, s in zip(continua, scopes, strict=True) if set(coders) <= set(s)]
        u_continua, u_scopes = ([join(full)], [list(coders)]) if full else ([], [])
        u_note = {"continuum": "joined", "documents_left_out": len(continua) - len(full)} \
            if len(full) < len(continua) else {"continuum": "joined"}
    parts = {v: value_parts(u_continua, u_scopes, v)
             for v in {v for _, vs in targets for v in vs}}
    length = sum(c.length for c in u_continua)
    for target, values in targets:
        result = combine_parts([parts[v] for v in values], length, len(coders), len(documents))
        result.details.update(u_note)
        if data.continuum == "joined":
            result.details["documents"] = len(documents) - u_note.get("documents_left_out", 0)
        report.rows.append(Row("spans", target, "all", result))
        if target == "*":
            continue
        counts = MaskCounts(list(coders))
        for continuum, scope in zip(continua, scopes, strict=True):
            ranges = {c: merge_overlaps(r for v in values for r in continuum.units.get(c, {})
                                        .get(v, ())) for c in scope}
            counts.add_document(continuum.length, ranges, scope)
        alpha = character_alpha(counts)
        alpha.details["documents"] = len(documents)
        report.rows.append(Row("spans", target, "all", alpha))
        for a, b in combinations(coders, 2):
            kappa, pi = character_pair(counts, a, b)
            shared = sum(1 for s in scopes if a in s and b in s)
            kappa.details["documents"] = pi.details["documents"] = shared
            report.rows += [Row("spans", target, f"{a}|{b}", kappa),
                            Row("spans", target, f"{a}|{b}", pi)]


def _match_rows(report: AgreementReport, data: AgreementInput, documents: list[int],
                by_doc: dict[int, dict[str, list[Span]]]) -> None:
    for a, b in combinations(data.coders, 2):
        shared = [d for d in documents if {a, b} <= set(data.in_scope[d])]
        targets = _targets(data.scheme)
        per_value = {v: MatchCounts() for _, values in targets for v in values}
        for doc in shared:
            grouped = {c: _group(by_doc.get(doc, {}).get(c, ())) for c in (a, b)}
            for value, counts in per_value.items():  # the union rule, as everywhere
                counts.add(merge_overlaps(grouped[a].get(value, [])),
                           merge_overlaps(grouped[b].get(value, [])))
        for target, values in targets:
            total = MatchCounts()
            for value in values:
                total += per_value[value]
            for result in total.f1():
                result.details["documents"] = len(shared)
                report.rows.append(Row("spans", target, f"{a}|{b}", result))
        _matched_value_rows(report, data, shared, by_doc, a, b)


def _group(spans: Iterable[Span]) -> dict[Hashable, list[tuple[int, int]]]:
    """A coder's spans in one document by value (label value, and category value)."""
    grouped: dict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    for span in spans:
        grouped[_value_of(span, True)].append((span.start, span.end))
        if span.label:
            grouped[span.category].append((span.start, span.end))
    return grouped


def _matched_value_rows(report: AgreementReport, data: AgreementInput, shared: list[int],
                        by_doc: dict[int, dict[str, list[Span]]], a: str, b: str) -> None:
    """Labels and attributes of spans matched one-to-one within a category."""
    for category in data.scheme.categories:
        pairs: list[tuple[Span, Span]] = []
        for doc in shared:
            first = [s for s in by_doc.get(doc, {}).get(a, ()) if s.category == category.key]
            second = [s for s in by_doc.get(doc, {}).get(b, ()) if s.category == category.key]
            if not first or not second:
                continue
            matched = max_matching([(s.start, s.end) for s in first],
                                   [(s.start, s.end) for s in second])
            pairs += [(first[i], second[j]) for i, j in matched]
        fields: list[tuple[str, Any]] = []
        if category.labels:
            fields.append(("label", lambda s: s.label))
        fields += [(f"attribute:{attr.key}", lambda s, k=attr.key: s.attributes.get(k))
                   for attr in category.attributes if attr.type != "link"]
        for name, get in fields:
            units: list[Unit] = []
            for x, y in pairs:
                unit = {c: v for c, v in ((a, get(x)), (b, get(y))) if v is not None}
                units.append(unit)
            target = f"{category.key}:{name}"
            report.rows.append(Row("spans", target, f"{a}|{b}", percent_agreement(units)))
            report.rows.append(Row("spans", target, f"{a}|{b}", cohen_kappa(units, a, b)))


def _variable_rows(report: AgreementReport, data: AgreementInput, documents: list[int],
                   samples: int) -> None:
    for variable in data.scheme.variables:
        units: list[Unit] = []
        for doc in documents:
            values = data.variables.get(doc, {})
            unit = {c: _comparable(variable, values[c][variable.key]) for c in data.in_scope[doc]
                    if variable.key in values.get(c, {})}
            units.append(unit)
        order: list[Any] | None = ([o.key for o in variable.options]
                                   if variable.type == "choice" else None)
        if variable.type == "boolean":
            order = [False, True]
        level = variable.level
        if variable.type in ("text", "choice", "boolean") and level in ("interval", "ratio"):
            level = "nominal"
        alpha = krippendorff_alpha(units, level, order if level == "ordinal" else None)
        interval = bootstrap_alpha(units, level, samples=samples, order=order) \
            if alpha.defined and samples else None
        if interval:
            alpha.details["ci95"] = list(interval)
        rated = sum(1 for u in units if len(u) >= 2)
        rows = [alpha, fleiss_kappa(units, data.coders), percent_agreement(units)]
        for result in rows:
            result.details.setdefault("documents", rated)
            report.rows.append(Row("variables", variable.key, "all", result))
        if level == "nominal" and variable.type in ("choice", "boolean"):
            _value_alphas(report, variable, units, order or [])
        for a, b in combinations(data.coders, 2):
            kappa = cohen_kappa(units, a, b)
            kappa.details.setdefault("documents", sum(1 for u in units if a in u and b in u))
            report.rows.append(Row("variables", variable.key, f"{a}|{b}", kappa))


def _comparable(variable: Any, value: Any) -> Any:
    """Dates are compared as day numbers (interval alpha on days); the rest as stored."""
    if variable.type == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value).toordinal()
    return value


def _value_alphas(report: AgreementReport, variable: Any, units: list[Unit],
                  values: list[Any]) -> None:
    """Category-specific alpha: each value against all others, the data recoded to "this
    value or not" and nominal alpha computed on that (Krippendorff 2004, pp. 243-245;
    2011)."""
    for value in values:
        recoded = [{c: v == value for c, v in unit.items()} for unit in units]
        result = krippendorff_alpha(recoded, "nominal", None)
        result.details["documents"] = sum(1 for u in units if len(u) >= 2)
        shown = str(value).lower() if isinstance(value, bool) else value
        report.rows.append(Row("variables", f"{variable.key}={shown}", "all", result))


def _disagreements(data: AgreementInput, documents: list[int],
                   by_doc: dict[int, dict[str, list[Span]]]) -> list[Disagreement]:
    found = []
    for doc in documents:
        for category in data.scheme.categories:
            per_coder = {c: sorted((s.start, s.end, s.label, s.text)
                                   for s in by_doc.get(doc, {}).get(c, ())
                                   if s.category == category.key)
                         for c in data.in_scope[doc]}
            shapes = {tuple((s, e, lb) for s, e, lb, _ in spans) for spans in per_coder.values()}
            if len(shapes) > 1:
                found.append(Disagreement(doc, data.titles.get(doc, ""), category.key,
                                          per_coder))
        coded = data.variables.get(doc, {})
        for variable in data.scheme.variables:
            values = {c: coded.get(c, {}).get(variable.key) for c in data.in_scope[doc]}
            if len({json.dumps(v, sort_keys=True) for v in values.values()}) > 1:
                found.append(Disagreement(doc, data.titles.get(doc, ""), variable.key, {},
                                          values, variable=True))
    return found
