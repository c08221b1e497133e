"""Finding things in the project file: documents that match a full-text query (from the
FTS5 index), coded segments with the text around them, documents by a variable's value, and
many spans added or removed at once (auto-coding, and its undo)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.domain.errors import ProjectError
from annotator.domain.model import Change, Span
from annotator.storage.sqlite.database import now

if TYPE_CHECKING:
    from annotator.domain.corpus_query import Query
    from annotator.storage.coding import DeletedSpan
    from annotator.storage.engine import Cursor, Engine

_BATCH = 200


@dataclass(frozen=True)
class Segment:
    """A coded span with its document's title, date and outlet and the text either side."""

    span: Span
    title: str
    date: str | None
    outlet: str | None
    left: str
    right: str


class SearchMixin:
    db: Engine

    if TYPE_CHECKING:  # provided by Project and its other mixins
        def _announce(self, change: Change) -> None: ...
        def _coder_id(self, name: str, *, create: bool = True) -> int | None: ...
        def transaction(self, whole: bool = False) -> Any: ...
        def _check_category(self, category: str, label: str | None) -> None: ...
        def _split_attributes(self, category: str, attributes: dict[str, Any]
                              ) -> tuple[dict[str, Any], dict[str, str]]: ...
        def _write_links(self, span_id: str, links: dict[str, str]) -> None: ...
        def _mark_started(self, document_id: int, coder: str) -> None: ...
        def _with_links(self, rows: list[tuple[Any, ...]]) -> list[Span]: ...
        def delete_span(self, span_id: str) -> DeletedSpan: ...
        def restore_span(self, deleted: DeletedSpan) -> Span: ...

    def _visible_to(self, coder: str | None) -> tuple[str, list[Any]]:
        """A condition on the index's document id: in a study, a coder sees only the
        documents assigned to them (and the wide table of texts is not read to say so)."""
        coder_id = self._coder_id(coder, create=False) if coder else None
        if coder_id is not None and self.db.execute(
                "SELECT 1 FROM assignments WHERE coder_id = ? LIMIT 1", [coder_id]).fetchone():
            return (f"{self.db.sql.fts_id} IN (SELECT document_id FROM assignments "
                    f"WHERE coder_id = ?)", [coder_id])
        return "TRUE", []

    def count_matching(self, query: Query, coder: str | None = None) -> int:
        """How many documents match ``query`` (that ``coder`` may see), from the index."""
        visible, params = self._visible_to(coder)
        sql = self.db.sql
        return int(self._fts(f"SELECT count(*) FROM documents_fts WHERE {sql.fts_match} "
                             f"AND {visible}", [sql.fts_param(query), *params]).fetchone()[0])

    def matching_documents(self, query: Query, coder: str | None = None
                           ) -> Iterator[tuple[int, str, str | None, str | None, str]]:
        """``(id, title, date, outlet, text)`` of each matching document, by id, in batches:
        the index walks its ids from the last one read, so no batch repeats the query."""
        visible, params = self._visible_to(coder)
        sql = self.db.sql
        last = 0
        while ids := [r[0] for r in self._fts(
                f"SELECT {sql.fts_id} FROM documents_fts WHERE {sql.fts_match} AND "
                f"{sql.fts_id} > ? AND {visible} ORDER BY {sql.fts_id} LIMIT {_BATCH}",
                [sql.fts_param(query), last, *params])]:
            marks = ",".join("?" * len(ids))
            yield from self.db.execute(
                f"SELECT id, title, date, outlet, text FROM documents WHERE id IN ({marks}) "
                f"ORDER BY id", ids).fetchall()
            last = ids[-1]

    def _fts(self, sql: str, params: list[Any]) -> Cursor:
        try:
            return self.db.execute(sql, params)
        except self.db.errors as exc:
            if "fts5" in str(exc) or "tsquery" in str(exc):  # a query the parser let through
                raise ProjectError(  # but the index refuses
                    f"the search index cannot read this query: {exc}") from exc
            raise

    # -- coded segments ------------------------------------------------------------------
    def segments(self, category: str | None = None, label: str | None = None,
                 coder: str | None = None, *, width: int = 60, limit: int | None = None
                 ) -> list[Segment]:
        """Every span (the first ``limit``) of ``category`` (and ``label``; ``""`` for spans
        without one) of ``coder`` (``None``: every coder), with ``width`` characters of
        context either side, cut by SQLite (no text comes whole into Python), by document
        then start."""
        where, params = self._segment_filter(category, label, coder)
        sql = self.db.sql
        rows = self.db.execute(
            f"SELECT s.id, s.document_id, c.name, s.category, s.start_offset, s.end_offset, "
            f"s.text, s.label, s.attributes, s.created_at, s.updated_at, s.memo, s.origin, "
            f"d.title, "
            f"d.date, "
            f"d.outlet, substr(d.text, {sql.greatest('1', f's.start_offset + 1 - {int(width)}')}, "
            f"{sql.least('s.start_offset', str(int(width)))}), "
            f"substr(d.text, s.end_offset + 1, {int(width)}) "
            f"FROM spans s JOIN coders c ON c.id = s.coder_id "
            f"JOIN documents d ON d.id = s.document_id WHERE {where} "
            f"ORDER BY s.document_id, s.start_offset, s.end_offset"
            + (f" LIMIT {int(limit)}" if limit is not None else ""), params).fetchall()
        spans = self._with_links([r[:13] for r in rows])
        return [Segment(span, r[13], r[14], r[15], r[16], r[17])
                for span, r in zip(spans, rows, strict=True)]

    @staticmethod
    def _segment_filter(category: str | None, label: str | None, coder: str | None
                        ) -> tuple[str, list[Any]]:
        where, params = ["TRUE"], []
        if category is not None:
            where.append("s.category = ?")
            params.append(category)
        if label == "":
            where.append("s.label IS NULL")
        elif label is not None:
            where.append("s.label = ?")
            params.append(label)
        if coder is not None:
            where.append("c.name = ?")
            params.append(coder)
        return " AND ".join(where), params

    def memos(self, coder: str | None = None) -> list[tuple[Any, ...]]:
        """Every memo (of ``coder``): ``(document id, title, date, outlet, coder, span id or
        None, what it is on, memo)``, by document, a document's own memo first."""
        where, params = "", []
        if coder is not None:
            where, params = " AND c.name = ?", [coder]
        return [tuple(r[:8]) for r in self.db.execute(
            f"SELECT * FROM (SELECT d.id AS doc, d.title, d.date, d.outlet, c.name AS coder, "
            f"s.id AS span, s.text, s.memo, s.start_offset AS at "
            f"FROM spans s JOIN coders c ON c.id = s.coder_id JOIN documents d "
            f"ON d.id = s.document_id WHERE s.memo != ''{where} UNION ALL "
            f"SELECT d.id, d.title, d.date, d.outlet, c.name, NULL, NULL, m.memo, -1 "
            f"FROM document_memos m JOIN coders c ON c.id = m.coder_id JOIN documents d "
            f"ON d.id = m.document_id WHERE TRUE{where}) AS memos ORDER BY doc, at, coder",
            params * 2)]

    def span_facts(self, coder: str | None = None, category: str | None = None
                   ) -> list[tuple[str, str | None, str | None, str | None]]:
        """``(category, label, date, outlet)`` of every span (of ``coder``, of ``category``):
        what charts count."""
        where, params = self._segment_filter(category, None, coder)
        return [tuple(r) for r in self.db.execute(
            f"SELECT s.category, s.label, d.date, d.outlet FROM spans s JOIN coders c "
            f"ON c.id = s.coder_id JOIN documents d ON d.id = s.document_id WHERE {where}",
            params)]

    def documents_with_value(self, key: str, value: Any, coder: str | None = None
                             ) -> list[tuple[int, str, str | None, str | None, str]]:
        """``(id, title, date, outlet, coder)`` of each document where a coder (or
        ``coder``) set variable ``key`` to ``value``."""
        sql = ("SELECT d.id, d.title, d.date, d.outlet, c.name FROM variable_values v "
               "JOIN coders c ON c.id = v.coder_id JOIN documents d ON d.id = v.document_id "
               "WHERE v.variable = ? AND v.value = ?")
        params: list[Any] = [key, json.dumps(value, ensure_ascii=False)]
        if coder is not None:
            sql += " AND c.name = ?"
            params.append(coder)
        return [tuple(r) for r in self.db.execute(sql + " ORDER BY d.id, c.name", params)]

    # -- many spans at once --------------------------------------------------------------
    def add_spans(self, coder: str, category: str, places: list[tuple[int, int, int]],
                  label: str | None = None, attributes: dict[str, Any] | None = None
                  ) -> list[Span]:
        """One span of ``category`` per ``(document_id, start, end)``, in one transaction;
        each document touched is announced once."""
        self._check_category(category, label)
        plain, links = self._split_attributes(category, attributes or {})
        stamp = now()
        added: list[Span] = []
        with self.transaction():
            coder_id = self._coder_id(coder)
            for document_id, start, end in places:
                row = self.db.execute("SELECT length, substr(text, ?, ?) FROM documents "
                                      "WHERE id = ?", [start + 1, end - start, document_id]
                                      ).fetchone()
                if row is None or not 0 <= start < end <= row[0]:
                    raise ProjectError(f"span [{start}, {end}) does not lie inside document "
                                       f"{document_id}")
                span = Span(id=str(uuid.uuid4()), document_id=document_id, coder=coder,
                            category=category, start=start, end=end, text=row[1], label=label,
                            attributes={**plain, **links}, created_at=stamp, updated_at=stamp,
                            origin="auto-code")
                self.db.execute(
                    "INSERT INTO spans (id, document_id, coder_id, category, label, "
                    "start_offset, end_offset, text, attributes, created_at, updated_at, "
                    "origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'auto-code')",
                    [span.id, document_id, coder_id, category, label, start, end, span.text,
                     json.dumps(plain, ensure_ascii=False), stamp, stamp])
                self._write_links(span.id, links)
                added.append(span)
            for document_id in dict.fromkeys(s.document_id for s in added):
                self._mark_started(document_id, coder)
                self._announce(Change("span_added", document_id, coder))
        return added

    def delete_spans(self, span_ids: list[str]) -> list[DeletedSpan]:
        """Remove many spans in one transaction; what ``restore_spans`` needs to undo it."""
        with self.transaction():
            return [self.delete_span(i) for i in span_ids]

    def restore_spans(self, deleted: list[DeletedSpan]) -> None:
        with self.transaction():
            for d in deleted:
                self.restore_span(d)
