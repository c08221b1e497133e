"""Documents in the project file: all-or-nothing import, lookup, and the lazy list's queries."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from annotator.domain.corpus_query import prefix_query
from annotator.domain.errors import Cancelled, ProjectError
from annotator.domain.model import Change, Document, DocumentRow, NewDocument, Status
from annotator.storage.exchange import CodingResult
from annotator.storage.sqlite.database import now

if TYPE_CHECKING:
    from annotator.storage.engine import Engine

_BATCH = 500
SORT_COLUMNS = {  # the terms of each order, each reversed on its own for a descending one
    "id": ("d.id",),
    "title": ("d.title", "d.id"),  # without case (Dialect.nocase)
    "date": ("d.date", "d.id"),  # no date first (Dialect.nulls_first)
    "outlet": ("d.outlet", "d.id"),  # without case
    "status": ("coalesce(st.status, 'a')", "d.id"),
}


@dataclass
class ImportResult:
    added: int = 0
    duplicates: int = 0
    document_ids: list[int] = field(default_factory=list)
    coding: CodingResult = field(default_factory=CodingResult)
    notes: list[str] = field(default_factory=list)  # what the readers repaired or doubt
    # (position among the documents given, the document already there) of each skipped
    skipped: list[tuple[int, int]] = field(default_factory=list)
    # (position, new document, the first document with the same text) of each document
    # imported although its text was there already, printed by another outlet or on
    # another date: a publication of its own, which the near-duplicate finder groups
    twins: list[tuple[int, int, int]] = field(default_factory=list)
    files: list[FileImport] = field(default_factory=list)  # per file, when read from files


@dataclass
class FileImport:
    """What one file gave an import: articles found, imported, skipped as already there,
    and what its reader said (announced counts, articles left out, repairs)."""

    name: str
    found: int = 0
    imported: int = 0
    duplicates: int = 0
    twins: int = 0  # imported, with a text the project held under another outlet or date
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.name}: {self.found} found, {self.imported} imported, "
                f"{self.duplicates} already in the project"
                + (f", {self.twins} the same text printed elsewhere" if self.twins else ""))


def document_of(row: Any) -> Document:
    """A ``Document`` from a row of id, text, title, date, outlet, url, source_path,
    content_hash, metadata (JSON)."""
    return Document(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                    json.loads(row[8]))


class DocumentsMixin:
    db: Engine

    if TYPE_CHECKING:  # provided by Project and its other mixins
        def _announce(self, change: Change) -> None: ...
        def _coder_id(self, name: str, *, create: bool = True) -> int | None: ...
        def transaction(self, whole: bool = False) -> Any: ...
        def import_coding(self, document_id: int, coder: str, work: dict[str, Any],
                          result: CodingResult) -> None: ...

    def import_documents(self, documents: Iterable[NewDocument],
                         progress: Callable[[int], None] | None = None,
                         cancelled: Callable[[], bool] | None = None) -> ImportResult:
        """Store ``documents`` in one transaction; skip (and count) those already present.

        An exception from the iterable (a broken file) or a cancel rolls everything back.
        """
        result = ImportResult()
        stamp = now()
        iterator = iter(documents)
        done = 0
        with self.transaction(whole=True):  # its coding may meet the coders'
            indexed = self._last_document_id()  # new rows get higher ids (rowid = max + 1)
            while batch := list(islice(iterator, _BATCH)):
                if cancelled and cancelled():
                    raise Cancelled()
                ids, stored = self._insert_batch(batch, stamp)
                first = self._first_with_text([d.content_hash for d, i in zip(
                    batch, ids, strict=True) if i is not None])
                for position, (doc, inserted) in enumerate(zip(batch, ids, strict=True),
                                                           start=done):
                    if inserted is not None:
                        result.added += 1
                        document_id = inserted
                        result.document_ids.append(document_id)
                        twin = first.get(doc.content_hash, document_id)
                        if twin != document_id:
                            result.twins.append((position, document_id, twin))
                    else:
                        result.duplicates += 1
                        document_id = stored[doc.publication_key]
                        result.skipped.append((position, document_id))
                    for coder, work in doc.coding.items():
                        self.import_coding(document_id, coder, work, result.coding)
                indexed = self.index_documents_after(indexed)
                done += len(batch)
                if progress:
                    progress(done)
            if cancelled and cancelled():
                raise Cancelled()
            if result.coding.conflicts:
                raise ProjectError("the imported coding conflicts with this project's: "
                                   + "; ".join(result.coding.conflicts[:10])
                                   + (f"; and {len(result.coding.conflicts) - 10} more"
                                      if len(result.coding.conflicts) > 10 else ""))
            if result.added or result.coding.spans_added:
                self._announce(Change("documents_imported"))
        return result

    def _insert_batch(self, batch: list[NewDocument], stamp: str
                      ) -> tuple[list[int | None], dict[str, int]]:
        """Each document's new id, or None where its publication is stored already (or
        comes earlier in the batch); and every key's id: one ``executemany`` and two
        lookups by key, not a statement and a returned row per document (0.45 s less in
        10,000), nor a lookup per duplicate."""
        stored = self._ids_by_key([doc.publication_key for doc in batch])
        fresh, seen = [], set(stored)
        for doc in batch:
            if doc.publication_key not in seen:
                seen.add(doc.publication_key)
                fresh.append(doc)
        if fresh:
            self.db.executemany(
                "INSERT INTO documents (publication_key, content_hash, title, date, outlet, "
                "url, source_path, text, length, metadata, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [[doc.publication_key, doc.content_hash, doc.title, doc.date, doc.outlet,
                  doc.url, doc.source_path, doc.text, len(doc.text),
                  json.dumps(doc.metadata, ensure_ascii=False), stamp] for doc in fresh])
        added = self._ids_by_key([doc.publication_key for doc in fresh])
        stored.update(added)
        ids: list[int | None] = []
        for doc in batch:  # the first of a key in the batch gets its id; the rest None
            ids.append(added.pop(doc.publication_key, None))
        return ids, stored

    def _ids_by_key(self, keys: list[str]) -> dict[str, int]:
        if not keys:
            return {}
        return {r[0]: int(r[1]) for r in self.db.execute(
            f"SELECT publication_key, id FROM documents WHERE publication_key IN "
            f"({self.db.sql.texts_in()})", [json.dumps(keys)])}

    def _first_with_text(self, hashes: list[str]) -> dict[str, int]:
        """The first document (lowest id) holding each of these texts, by content hash."""
        unique = sorted(set(hashes))
        if not unique:
            return {}
        return {r[0]: int(r[1]) for r in self.db.execute(
            f"SELECT content_hash, min(id) FROM documents WHERE content_hash IN "
            f"({','.join('?' * len(unique))}) GROUP BY content_hash", unique)}

    def _last_document_id(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0])

    def index_documents_after(self, last: int) -> int:
        """Put the documents with an id above ``last`` into the text index (inside the
        caller's transaction); returns the highest id now indexed."""
        self.db.index_documents("id > ?", [last])
        return self._last_document_id()

    def document_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def document(self, document_id: int) -> Document:
        row = self.db.execute(
            "SELECT id, text, title, date, outlet, url, source_path, content_hash, metadata "
            "FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise ProjectError(f"no document with id {document_id}")
        return document_of(row)

    def document_id_by_key(self, publication_key: str) -> int | None:
        """The document that is this publication (``NewDocument.publication_key``)."""
        row = self.db.execute("SELECT id FROM documents WHERE publication_key = ?",
                              [publication_key]).fetchone()
        return int(row[0]) if row else None

    def document_ids_by_text(self, content_hash: str) -> list[int]:
        """The documents holding this text, whoever printed it and when."""
        return [int(r[0]) for r in self.db.execute(
            "SELECT id FROM documents WHERE content_hash = ? ORDER BY id", [content_hash])]

    def metadata_keys(self) -> list[str]:
        """Every imported metadata field name, sorted: the table's ``meta_*`` columns."""
        return [r[0] for r in self.db.execute(
            f"SELECT DISTINCT j.key FROM documents d, "
            f"json_each({self.db.sql.json('d.metadata')}) j ORDER BY j.key")]

    def document_summaries(self) -> dict[int, tuple[int, str]]:
        """Every document's (length, title), without the texts."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT id, length, title FROM documents")}

    def all_document_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY id")]

    def document_ids(self, coder: str | None = None, *, search: str = "",
                     status: Status | None = None, sort: str = "id",
                     descending: bool = False, limit: int | None = None) -> list[int]:
        """Ids in list order: filtered by a text (title, outlet or article) and by status;
        the first ``limit`` of them, if given."""
        coder_id = self._coder_id(coder, create=False) if coder else None
        where: list[str] = ["TRUE"]
        params: list[Any] = [coder_id]
        assigned = self._assigned(coder_id)
        if assigned:  # in a study a coder sees only their documents, in their own order
            where.append("d.id IN (SELECT document_id FROM assignments WHERE coder_id = ?)")
            params.append(coder_id)
        query = prefix_query(search)
        dialect = self.db.sql
        if search.strip():
            escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
        hits, hit_params = "", []
        if query:  # words (as prefixes) in the title, outlet or text, from the index, and any
            # substring of a title or outlet from their narrow indexes: the hits drive the
            # query, so the wide table is read only for them
            hits = (f"WITH hits(id) AS (SELECT {dialect.fts_id} FROM documents_fts WHERE "
                    f"{dialect.fts_match} UNION SELECT id FROM documents"
                    f"{dialect.indexed_by('documents_by_title')} WHERE title {dialect.like} ? "
                    f"ESCAPE '\\' UNION SELECT id FROM documents"
                    f"{dialect.indexed_by('documents_by_outlet')} WHERE outlet {dialect.like} ? "
                    f"ESCAPE '\\') ")
            hit_params = [dialect.fts_param(query), pattern, pattern]
        elif search.strip():  # no word in it (punctuation, a symbol): scan, as before
            where.append(f"(d.title {dialect.like} ? ESCAPE '\\' OR d.outlet {dialect.like} ? "
                         f"ESCAPE '\\' OR d.text {dialect.like} ? ESCAPE '\\')")
            params += [pattern] * 3
        if status is not None:
            if status is Status.NOT_STARTED:
                where.append("st.status IS NULL")
            else:
                where.append("st.status = ?")
                params.append(status.value)
        terms = list(SORT_COLUMNS.get(sort, SORT_COLUMNS["id"]))
        if sort in ("title", "outlet"):
            terms[0] = dialect.nocase(terms[0])
        if assigned and sort == "id":
            terms = [f"(SELECT position FROM assignments WHERE document_id = d.id AND "
                     f"coder_id = {int(coder_id)})"]  # type: ignore[arg-type]
        if search:  # scan the table once and sort the few hits; an index walk would fetch
            terms = [dialect.unindexed(t) for t in terms]  # every text out of order (3x slower)
        nulls = sort == "date"  # documents without a date come first, in both engines
        order = ", ".join((dialect.nulls_last_desc(t) if nulls else f"{t} DESC") if descending
                          else (dialect.nulls_first(t) if nulls else t) for t in terms)
        # the whole list in import order: read the ids from a narrow index and sort them,
        # not the wide table of texts (a third of the time at 100,000 documents)
        table = f"documents d{dialect.indexed_by('documents_by_date')}" if sort == "id" and not (
            search or assigned) else "documents d"
        if hits:  # the wide table only when its columns sort the list: 33,000 hits cost it
            table = "hits d" if sort in ("id", "status") else \
                "hits JOIN documents d ON d.id = hits.id"  # 100 ms of a 130 ms filter
        sql = (f"{hits}SELECT d.id FROM {table} LEFT JOIN document_status st "
               f"ON st.document_id = d.id AND st.coder_id = ? "
               f"WHERE {' AND '.join(where)} ORDER BY {order}")
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in self.db.execute(sql, hit_params + params)]

    def is_listed(self, document_id: int, coder: str | None = None) -> bool:
        """Whether ``document_id`` is in ``coder``'s whole list: in a study, among the
        documents assigned to them; otherwise any of the project's."""
        coder_id = self._coder_id(coder, create=False) if coder else None
        sql, params = (("SELECT 1 FROM assignments WHERE coder_id = ? AND document_id = ?",
                        [coder_id, document_id]) if self._assigned(coder_id) else
                       ("SELECT 1 FROM documents WHERE id = ?", [document_id]))
        return self.db.execute(sql, params).fetchone() is not None

    def _assigned(self, coder_id: int | None) -> bool:
        """Whether the coder has documents assigned (a study): then they list only those."""
        return coder_id is not None and self.db.execute(
            "SELECT 1 FROM assignments WHERE coder_id = ? LIMIT 1", [coder_id]).fetchone() \
            is not None

    def document_rows(self, ids: list[int], coder: str | None) -> list[DocumentRow]:
        """The list's rows for ``ids`` (in that order): one query per page, not per row."""
        if not ids:
            return []
        coder_id = self._coder_id(coder, create=False) if coder else None
        marks = ",".join("?" * len(ids))
        rows = {r[0]: r for r in self.db.execute(  # from the list's index, not the texts' table
            f"SELECT d.id, d.title, d.date, d.outlet, st.status "
            f"FROM documents d{self.db.sql.indexed_by('documents_list')} "
            f"LEFT JOIN document_status st ON st.document_id = d.id AND st.coder_id = ? "
            f"WHERE d.id IN ({marks})", [coder_id, *ids])}
        return [DocumentRow(r[0], r[1], r[2], r[3], Status(r[4] or "not_started"))
                for i in ids if (r := rows.get(i))]
