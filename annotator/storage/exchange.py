"""Coding that arrives from outside (JSONL and REFI-QDA imports, other coders' projects), and
the document records that exporters and merges read.

Incoming coding never overwrites: a span is matched by its UUID and a value by its key; what
is new is added, what is the same is skipped, and what differs is a conflict. Conflicts are
collected, not raised one by one, so a merge can report all of them and change nothing.
"""

from __future__ import annotations

import itertools
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.domain.errors import ProjectError
from annotator.domain.model import CoderWork, Document, DocumentRecord, Span, Status
from annotator.storage.coding import _SPAN_COLUMNS

if TYPE_CHECKING:
    from annotator.storage.engine import Engine

_RANK = {Status.NOT_STARTED: 0, Status.IN_PROGRESS: 1, Status.DONE: 2}


@dataclass
class CodingResult:
    spans_added: int = 0
    values_added: int = 0
    conflicts: list[str] = field(default_factory=list)


class ExchangeMixin:
    db: Engine

    if TYPE_CHECKING:  # provided by Project and its other mixins
        def _coder_id(self, name: str, *, create: bool = True) -> int | None: ...
        def spans(self, document_id: int, coder: str | None = None) -> list[Span]: ...
        def variables(self, document_id: int, coder: str) -> dict[str, Any]: ...
        def document_memo(self, document_id: int, coder: str) -> str: ...
        def set_document_memo(self, document_id: int, coder: str, memo: str) -> None: ...
        def status(self, document_id: int, coder: str) -> Status: ...
        def set_status(self, document_id: int, coder: str, status: Status) -> None: ...
        def set_variable(self, document_id: int, coder: str, key: str, value: Any) -> None: ...
        def add_span(self, *args: Any, **kwargs: Any) -> Span: ...
        def document(self, document_id: int) -> Document: ...
        def transaction(self, whole: bool = False) -> Any: ...
        def _links_of(self, span_ids: list[str] | None) -> dict[str, dict[str, str]]: ...
        @staticmethod
        def _row_to_span(r: tuple[Any, ...], links: dict[str, dict[str, str]]) -> Span: ...
        def _check_link_target(self, targets: tuple[str, ...], key: str, value: Any
                               ) -> None: ...
        scheme: Any

    def import_coding(self, document_id: int, coder: str, work: dict[str, Any],
                      result: CodingResult) -> None:
        """Add one coder's incoming work on a document; record conflicts in ``result``."""
        others = {s.id: s for s in self.spans(document_id)}
        mine = {i: s for i, s in others.items() if s.coder == coder}
        incoming = work.get("spans", [])
        new, links = [], []
        for raw in incoming:
            span_id = raw["id"]
            if span_id in others and others[span_id].coder != coder:
                result.conflicts.append(f"span {span_id} belongs to {others[span_id].coder} "
                                        f"here and to {coder} in the incoming data")
            elif span_id in mine:
                if _differs(mine[span_id], raw):
                    result.conflicts.append(f"{coder}'s span “{mine[span_id].text[:30]}” "
                                            f"(document {document_id}) differs on the two sides")
            else:
                new.append(raw)
        incoming_ids = {raw["id"] for raw in incoming}
        if set(mine) - incoming_ids and incoming_ids - set(mine):
            result.conflicts.append(f"{coder}'s spans on document {document_id} have diverged: "
                                    f"each side has spans the other lacks")
        for raw in new:
            plain = {k: v for k, v in raw.get("attributes", {}).items() if not _is_link(
                self, raw["category"], k)}
            links += [(raw["id"], k, v) for k, v in raw.get("attributes", {}).items()
                      if _is_link(self, raw["category"], k)]
            self.add_span(document_id, coder, raw["category"], raw["start"], raw["end"],
                          raw.get("label"), plain, span_id=raw["id"],
                          created_at=raw.get("created_at") or None,
                          updated_at=raw.get("updated_at") or None,
                          memo=str(raw.get("memo") or ""), origin=str(raw.get("origin") or ""))
            result.spans_added += 1
        for source, attribute, target in links:
            self._check_incoming_link(source, attribute, target)
            self.db.execute("INSERT INTO span_links (span_id, attribute, target_id) "
                            "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [source, attribute, target])
        values = self.variables(document_id, coder)
        for key, value in work.get("variables", {}).items():
            if key not in values:
                self.set_variable(document_id, coder, key, value)
                result.values_added += 1
            elif values[key] != value:
                result.conflicts.append(f"{coder}'s {key} of document {document_id} is "
                                        f"{values[key]!r} here and {value!r} in the incoming data")
        memo, theirs = self.document_memo(document_id, coder), str(work.get("memo") or "")
        if theirs and not memo:
            self.set_document_memo(document_id, coder, theirs)
        elif theirs and theirs != memo:
            result.conflicts.append(f"{coder}'s memo on document {document_id} differs on the "
                                    f"two sides")
        status = Status(work.get("status", "in_progress"))
        if _RANK[status] > _RANK[self.status(document_id, coder)]:
            self.set_status(document_id, coder, status)

    def _check_incoming_link(self, source: str, attribute: str, target: Any) -> None:
        """A link from outside obeys the scheme like one made in the window."""
        row = self.db.execute("SELECT category FROM spans WHERE id = ?", [source]).fetchone()
        definition = self.scheme.category(row[0]).attribute(attribute)
        try:
            self._check_link_target(definition.targets, attribute, target)
        except ProjectError as exc:
            raise ProjectError(f"span {source}: {exc}") from None

    def iter_records(self, coders: Iterable[str] | None = None, documents: str = "all",
                     *, coded_only: bool = False) -> Iterator[DocumentRecord]:
        """Documents in id order with the chosen coders' work. ``documents`` "done": only
        each coder's documents marked done (documents with none are left out).
        ``coded_only``: skip documents none of the chosen coders worked on (what a table
        of spans or of coders' values needs: not every text of a 100,000-article corpus)."""
        chosen = set(coders) if coders is not None else None
        statuses: dict[int, dict[str, Status]] = {}
        status_at: dict[tuple[int, str], str] = {}
        for d, c, s, at in self.db.execute(
                "SELECT s.document_id, c.name, s.status, s.updated_at FROM document_status s "
                "JOIN coders c ON c.id = s.coder_id"):
            if chosen is None or c in chosen:
                statuses.setdefault(d, {})[c] = Status(s)
                status_at[(d, c)] = at
        memos = {(d, c): (m, at) for d, c, m, at in self.db.execute(
            "SELECT m.document_id, c.name, m.memo, m.updated_at FROM document_memos m "
            "JOIN coders c ON c.id = m.coder_id")}
        ids = sorted(statuses) if coded_only else None  # None: every document
        spans = _by_document(self._all_spans(), operator.attrgetter("document_id"))
        values = _by_document(self.db.stream(
            "SELECT v.document_id, c.name, v.variable, v.value FROM variable_values v "
            "JOIN coders c ON c.id = v.coder_id ORDER BY v.document_id, v.coder_id, "
            "v.variable"), operator.itemgetter(0))
        for document in self._documents_in_order(ids):
            document_id = document.id
            per_coder = statuses.get(document_id, {})
            if documents == "done":
                per_coder = {c: s for c, s in per_coder.items() if s is Status.DONE}
                if not per_coder:
                    continue
            mine: dict[str, list[Span]] = {}
            for span in spans.rows(document_id):
                if span.coder in per_coder:
                    mine.setdefault(span.coder, []).append(span)
            variables: dict[str, dict[str, Any]] = {}
            for _, coder, key, value in values.rows(document_id):
                if coder in per_coder:
                    variables.setdefault(coder, {})[key] = json.loads(value)
            coding = {}
            for c in sorted(per_coder):
                memo, memo_at = memos.get((document_id, c), ("", ""))
                coding[c] = CoderWork(per_coder[c], variables.get(c, {}), mine.get(c, []),
                                      memo, status_at=status_at.get((document_id, c), ""),
                                      memo_at=memo_at)
            yield DocumentRecord(document, coding)

    def _all_spans(self) -> Iterator[Span]:
        """Every span by document, each coder's by start, end and creation (``spans``'
        order), streamed in the order of their index (version 13), unsorted."""
        links = self._links_of(None)
        for r in self.db.stream(
                f"SELECT {_SPAN_COLUMNS} FROM spans s JOIN coders c ON c.id = s.coder_id ORDER "
                f"BY s.document_id, s.coder_id, s.start_offset, s.end_offset, s.created_at"):
            yield self._row_to_span(r, links)

    def _documents_in_order(self, ids: list[int] | None) -> Iterator[Document]:
        """The documents ``ids`` (all, if None) by id, a batch at a time: one query per 500,
        not three per document."""
        columns = ("SELECT id, text, title, date, outlet, url, source_path, content_hash, "
                   "metadata FROM documents")
        if ids is None:
            rows: Iterable[Any] = self.db.stream(columns + " ORDER BY id", size=500)
        else:
            rows = (r for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500))
                    for r in self.db.execute(
                        columns + f" WHERE id IN ({','.join('?' * len(chunk))}) ORDER BY id",
                        chunk).fetchall())
        for r in rows:
            yield Document(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], json.loads(r[8]))

    def count_spans(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM spans").fetchone()[0])

    def spans_off_their_text(self, limit: int = 5) -> list[tuple[str, int]]:
        """(span id, document id) of spans whose stored text is not the document's text at
        their offsets: changed outside annotator, since every change the app makes is
        checked. The spans CSV, which reads no document text, asks this first."""
        rows = self.db.execute(
            "SELECT s.id, s.document_id FROM spans s JOIN documents d ON d.id = s.document_id "
            "WHERE s.end_offset > d.length OR substr(d.text, s.start_offset + 1, "
            "s.end_offset - s.start_offset) <> s.text ORDER BY s.document_id, s.id LIMIT ?",
            [limit]).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    def span_rows(self, coders: Iterable[str] | None = None, documents: str = "all",
                  cells: Callable[[dict[str, Any]], tuple[Any, ...]] = lambda a: (a,)
                  ) -> Iterator[list[tuple[Any, ...]]]:
        """Every span of the chosen coders as a row of ``SPAN_ROW``'s columns, a list of
        ``SPAN_BATCH`` rows at a time (a writer takes them whole: no step per row but the
        row), in ``iter_records``' order (document, coder, start, end), from one joined query
        streamed in batches: no document text is read, no object made per span. A missing
        date, outlet or label is "". The attributes (links included) are spread into the
        cells ``cells(the attributes)`` returns, worked out once per distinct set of them,
        not per span. Like ``iter_records``, a coder's spans count where the coder has a
        status; ``documents`` "done": only where it is done."""
        where, params = ["TRUE"], []
        if coders is not None:
            where.append(f"c.name IN ({self.db.sql.texts_in()})")
            params.append(json.dumps(list(coders)))
        if documents == "done":
            where.append("st.status = 'done'")
        links = self._links_of(None)
        batches = self.db.batches(span_rows_sql(" AND ".join(where)), params, size=SPAN_BATCH)
        spread_of = _Spread(cells)  # most spans share a few attribute sets

        def spread(r: Any) -> tuple[Any, ...]:
            if r[0] in links:
                return cells({**json.loads(r[11]), **links[r[0]]})
            return spread_of[r[11]]

        for rows in batches:  # rows are tuples; a slice of one is a tuple, made in C
            if links:
                yield [r[:11] + spread(r) + r[12:] for r in rows]
            else:  # (a set seen before is one lookup in C; a new one is worked out once)
                yield [r[:11] + spread_of[r[11]] + r[12:] for r in rows]


# Rows per list: small enough that a list's rows, made and then written, stay in the CPU's
# cache. With 5,000 the spans CSV took 1.28-1.31x a plain dump of the same rows; with 250,
# 0.97-1.03x (benchmarks/README.md, 2026-12-04).
SPAN_BATCH = 250


def span_rows_sql(where: str) -> str:
    """``span_rows``' query. Its joins are written in the order of the loops that yield rows
    already in the order asked, so nothing is sorted: the documents by id (from the list's
    index), each document's coders by name (the names' index), and their spans from the
    index in reading order (start, end, made). Joined from the spans, SQLite sorted each
    document's rows by coder name in a temporary b-tree: 0.5-1 s of a million spans'
    4-5 s. (Every pair of a document and a coder is probed: cheap beside the spans.)"""
    return ("SELECT s.id, s.document_id, d.title, coalesce(d.date, ''), "
            "coalesce(d.outlet, ''), c.name, s.category, coalesce(s.label, ''), "
            "s.start_offset, s.end_offset, s.text, s.attributes, s.created_at, s.updated_at, "
            "s.memo, s.origin FROM documents d CROSS JOIN coders c "
            "CROSS JOIN document_status st CROSS JOIN spans s "
            "WHERE st.document_id = d.id AND st.coder_id = c.id AND s.document_id = d.id "
            f"AND s.coder_id = c.id AND {where} "
            "ORDER BY d.id, c.name, s.start_offset, s.end_offset, s.created_at")


class _Spread(dict[str, tuple[Any, ...]]):
    """An attribute set's cells, keyed by its stored JSON, worked out when first asked."""

    def __init__(self, cells: Callable[[dict[str, Any]], tuple[Any, ...]]) -> None:
        super().__init__()
        self.cells = cells

    def __missing__(self, attributes: str) -> tuple[Any, ...]:
        found = self[attributes] = self.cells(json.loads(attributes))
        return found


class _by_document:  # noqa: N801 - reads as what it does
    """Rows of a stream sorted by document id, taken a document at a time as a merge walks
    the documents in the same order (the rows of documents it skips are passed over).
    Grouped as they stream (``itertools.groupby``): a call per row cost a second of a
    100,000-article JSONL export."""

    def __init__(self, rows: Iterable[Any], document_of: Callable[[Any], int]) -> None:
        self._groups = itertools.groupby(rows, document_of)
        self._at: tuple[int, Iterator[Any]] | None = next(self._groups, None)

    def rows(self, document_id: int) -> list[Any]:
        while self._at is not None and self._at[0] < document_id:
            self._at = next(self._groups, None)
        if self._at is None or self._at[0] != document_id:
            return []
        found = list(self._at[1])  # (taken before the groups move on)
        self._at = next(self._groups, None)
        return found


def _is_link(project: Any, category: str, key: str) -> bool:
    definition = project.scheme.category(category)
    attribute = definition.attribute(key) if definition else None
    return bool(attribute and attribute.type == "link")


def _differs(span: Span, raw: dict[str, Any]) -> bool:
    return (span.category, span.label, span.start, span.end,
            json.dumps(span.attributes, sort_keys=True), span.memo) != (
        raw["category"], raw.get("label"), raw["start"], raw["end"],
        json.dumps(raw.get("attributes", {}), sort_keys=True), str(raw.get("memo") or ""))
