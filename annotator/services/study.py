"""Running a reliability study, shared by the command line and the window: assign documents
(with a double-coded sample), write each coder's package (which knows its coder), and
adjudicate. Merging the packages back, in rounds, is ``annotator.services.merge``'s (its names are
kept here too, where the callers have always found them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain.assignment import Plan, plan
from annotator.domain.errors import AnnotatorError
from annotator.domain.model import NewDocument, Span, Status
from annotator.formats.export import span_json
from annotator.services.actions import GOLD
from annotator.services.merge import MergeResult, merge_projects, parse_renames  # noqa: F401
from annotator.storage import Project, remove_files


def strata(project: Project, by: str | None) -> dict[int, Hashable]:
    """Each document's stratum: ``outlet``, ``date:month``/``date:year``, or a variable
    (its value as the first coder who set it has it)."""
    if not by:
        return {}
    found: dict[int, Hashable] = {}
    if by == "outlet" or by.startswith("date"):
        for record in project.iter_records():
            doc = record.document
            if by == "outlet":
                found[doc.id] = doc.outlet or ""
            else:
                cut = {"date:year": 4, "date:month": 7, "date": 10}.get(by)
                if cut is None:
                    raise AnnotatorError(f"stratify by date:year, date:month or date, not {by!r}")
                found[doc.id] = (doc.date or "")[:cut]
        return found
    if project.scheme.variable(by) is None:
        raise AnnotatorError(f"cannot stratify by {by!r}: use outlet, date:month, date:year "
                             f"or a document variable")
    for document_id, _coder, key, value in project.all_variables():
        if key == by:
            found.setdefault(document_id, str(value))
    return found


def assign(project: Project, coders: list[str], *, overlap: str | int | None = None,
           per_document: int = 2, stratify: str | None = None, seed: int = 1,
           import_order: bool = False) -> Plan:
    """Assign every document; coders keep the documents they have already worked on."""
    for coder in coders:
        if not coder.strip() or coder == GOLD:
            raise AnnotatorError(f"{coder!r} cannot be assigned documents")
    result = plan(project.all_document_ids(), coders, overlap=overlap,
                  per_document=per_document, strata=strata(project, stratify), seed=seed,
                  kept=project.coders_with_work(), import_order=import_order)
    project.set_assignments(result)
    project.set_study_setting("design", {"coders": coders, "overlap": overlap,
                                         "per_document": per_document, "stratify": stratify,
                                         "seed": seed})
    return result


def drawn(design: dict[str, Any] | None) -> str | None:
    """The stored design in words: "ana, ben; sample 20% of the documents, 2 coders per
    document, drawn by outlet, seed 7" (None for a project never assigned)."""
    if not design:
        return None
    overlap = design.get("overlap")
    sample = (f"{overlap} documents" if isinstance(overlap, int) else
              f"{overlap} of the documents" if overlap else "no double-coded sample")
    strata = f", drawn by {design['stratify']}" if design.get("stratify") else ""
    return (f"{', '.join(design.get('coders') or [])}; sample {sample}, "
            f"{design.get('per_document', 2)} coders per document{strata}, "
            f"seed {design.get('seed')}")


def package(project: Project, coder: str, path: Path) -> int:
    """A project for one coder: the scheme, their assigned documents (all, if the project
    has no assignments) and their own work only, so it is blind by construction."""
    if coder not in project.coders():
        raise AnnotatorError(f"no coder named {coder!r} in the project")
    documents = project.assigned(coder) if project.has_assignments() else \
        project.all_document_ids()
    if not documents:
        raise AnnotatorError(f"{coder} has no documents assigned")
    reliability = {d for d, c, r in project.assignment_rows() if c == coder and r}
    wanted = set(documents)  # keep only these texts in memory, not the whole corpus
    records = {r.document.id: r for r in project.iter_records([coder])
               if r.document.id in wanted}
    target = Project.create(path, project.scheme)
    try:
        new = [NewDocument(text=r.document.text, title=r.document.title, date=r.document.date,
                           outlet=r.document.outlet, url=r.document.url,
                           source_path=r.document.source_path, metadata=r.document.metadata,
                           coding={c: {"status": w.status.value, "variables": w.variables,
                                       "spans": [span_json(s) for s in w.spans],
                                       "memo": w.memo}
                                   for c, w in r.coding.items()})
               for d in documents if (r := records.get(d))]
        result = target.import_documents(new)
        with target.transaction(whole=True):  # what the package starts from, and whose
            for new_id, d in zip(result.document_ids, documents, strict=False):
                for c in records[d].coding:
                    target.set_merge_base(new_id, c, project.work_hash(d, c), project.lineage,
                                          project.work_changed_at(d, c))
        target.add_coder(coder)
        order = Plan(coders={d: [coder] for d in result.document_ids},
                     reliability={n for n, d in zip(result.document_ids, documents,
                                                    strict=False) if d in reliability},
                     order={coder: result.document_ids})
        target.set_assignments(order)
        target.set_study_setting("blind_locked", True)
        target.set_study_setting("package_of", coder)
        target.checkpoint()
    except BaseException:
        target.close()
        remove_files(path)
        raise
    target.close()
    return len(documents)


Shape = tuple[str, str | None, int, int]


def shape(span: Span) -> Shape:
    """What makes two coders' spans "the same": category, label, start and end."""
    return (span.category, span.label, span.start, span.end)


def document_coders(project: Project, document_id: int) -> list[str]:
    """The coders (gold aside) who have worked on the document."""
    return [c for c in project.coders() if c != GOLD
            and project.status(document_id, c) is not Status.NOT_STARTED]


def _reading(project: Project, span: Span, by_id: dict[str, Span]) -> str:
    """A span's attributes as two coders can agree on them: values as they are, a link as
    the shape of the span it points at (each coder links to their own copy)."""
    category = project.scheme.category(span.category)
    seen: dict[str, Any] = {}
    for key, value in span.attributes.items():
        attribute = category.attribute(key) if category else None
        target = by_id.get(value) if attribute is not None and attribute.type == "link" \
            else None
        seen[key] = list(shape(target)) if target is not None else value
    return json.dumps(seen, sort_keys=True, ensure_ascii=False)


@dataclass
class Agreement:
    """A document's coding as its coders agree on it: the spans to accept (each with its
    attributes and links alike), the variables to accept, and what is left to settle."""

    spans: list[Span] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    spans_left: list[str] = field(default_factory=list)  # shapes, as shown
    variables_left: list[str] = field(default_factory=list)


def agreement(project: Project, document_id: int, majority: bool = False,
              coders: list[str] | None = None) -> Agreement:
    """What all the document's coders (or more than half of them, and at least two) coded
    exactly alike: a span's category, label and extent *and* its attributes and links; a
    variable's value. A span marked alike whose attributes differ is left to settle."""
    coders = document_coders(project, document_id) if coders is None else coders
    needed = max(2, len(coders) // 2 + 1 if majority else len(coders))
    every = project.spans(document_id)
    by_id = {s.id: s for s in every}
    voters: dict[Shape, dict[str, set[str]]] = {}
    first: dict[tuple[Shape, str], Span] = {}
    for span in every:
        if span.coder in coders:
            reading = _reading(project, span, by_id)
            voters.setdefault(shape(span), {}).setdefault(reading, set()).add(span.coder)
            first.setdefault((shape(span), reading), span)
    found = Agreement()
    left: dict[tuple[str, int, int], list[tuple[str | None, bool]]] = {}  # per extent
    for where, readings in voters.items():
        reading, who = max(readings.items(), key=lambda r: (len(r[1]), r[0]))
        if len(who) >= needed:
            found.spans.append(first[(where, reading)])
        else:  # (label, whether enough coders marked it but its attributes differ)
            left.setdefault((where[0], where[2], where[3]), []).append(
                (where[1], sum(len(w) for w in readings.values()) >= needed))
    for (category, start, end), marked in left.items():  # one line per extent
        if len(marked) > 1:
            shown = " / ".join(sorted(label or "no label" for label, _ in marked))
            found.spans_left.append(f"{category} [{start}, {end}] (labels differ: {shown})")
        else:
            label, differ = marked[0]
            found.spans_left.append(
                f"{category}{'/' + label if label else ''} [{start}, {end}]"
                + (" (its attributes or links differ)" if differ else ""))
    values: dict[str, dict[str, set[str]]] = {}
    for coder in coders:
        for key, value in project.variables(document_id, coder).items():
            shown = json.dumps(value, sort_keys=True)
            values.setdefault(key, {}).setdefault(shown, set()).add(coder)
    for key, readings in values.items():
        shown, who = max(readings.items(), key=lambda r: (len(r[1]), r[0]))
        if len(who) >= needed:
            found.variables[key] = json.loads(shown)
        else:
            found.variables_left.append(key)
    return found


def agreed_spans(project: Project, document_id: int, majority: bool = False,
                 coders: list[str] | None = None) -> list[Span]:
    """One span for each shape that all the document's coders (or more than half of them,
    and at least two) marked exactly alike, attributes and links included."""
    return agreement(project, document_id, majority, coders).spans


@dataclass
class Adjudication:
    """What ``adjudicate`` put into gold, and what is left to settle by hand."""

    spans_added: int = 0
    values_set: int = 0
    documents_done: int = 0
    documents: int = 0
    spans_left: int = 0
    values_left: int = 0
    left: list[str] = field(default_factory=list)  # "document 3: speaker [4, 9] …"


def adjudicate(project: Project, majority: bool = False) -> Adjudication:
    """Accept, in every document, what the coders agree on into gold (one transaction):
    spans (links re-pointed to gold's copies of their targets) and document variables. A
    document with nothing left to settle is marked done for gold."""
    coders: dict[int, list[str]] = {}
    for (doc, coder), status in project.statuses().items():  # read once, not per document
        if coder != GOLD and status is not Status.NOT_STARTED:
            coders.setdefault(doc, []).append(coder)
    result = Adjudication()
    with project.transaction(whole=True):
        for document_id, present in sorted(coders.items()):
            if len(present) < 2:
                continue
            result.documents += 1
            found = agreement(project, document_id, majority, present)
            gold = {shape(s): s.id for s in project.spans(document_id, GOLD)}
            for span in found.spans:
                result.spans_added += copy_to_gold(
                    project, span, gold, lambda s, attributes: project.add_span(
                        s.document_id, GOLD, s.category, s.start, s.end, s.label,
                        attributes).id)
            mine = project.variables(document_id, GOLD)
            for key, value in found.variables.items():
                if key not in mine:
                    project.set_variable(document_id, GOLD, key, value)
                    result.values_set += 1
            result.spans_left += len(found.spans_left)
            result.values_left += len(found.variables_left)
            result.left += [f"document {document_id}: {what}" for what in
                            found.spans_left + [f"variable {k}" for k in
                                                found.variables_left]]
            settled = not found.spans_left and not found.variables_left
            result.documents_done += settled
            project.set_status(document_id, GOLD,
                               Status.DONE if settled else Status.IN_PROGRESS)
    return result


def copy_to_gold(project: Project, span: Span, gold: dict[Shape, str],
                 add: Callable[[Span, dict[str, Any]], str], depth: int = 0) -> int:
    """Put gold's copy of ``span`` in place with ``add`` (a store call, or an undoable
    command in the window), its links re-pointed to gold's copies of their targets, which
    come along first (a chain, never a cycle). ``gold``: shape → id of gold's spans, kept
    up to date. Returns the spans added."""
    if shape(span) in gold:
        return 0
    added = 0
    category = project.scheme.category(span.category)
    attributes: dict[str, Any] = {}
    for key, value in span.attributes.items():
        attribute = category.attribute(key) if category else None
        if attribute is None:
            continue
        if attribute.type != "link":
            attributes[key] = value
        elif depth < 3:
            target = project.span(value)
            added += copy_to_gold(project, target, gold, add, depth + 1)
            attributes[key] = gold[shape(target)]
    gold[shape(span)] = add(span, attributes)
    return added + 1
