"""The corpus as a whole: reading every text in batches, removing documents nobody has
coded (and putting them back, for undo), and setting one imported metadata field on many
documents at once. Near-duplicate grouping reads and writes through here. And the project's
overview (``info``: what it holds, by whom)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from annotator.domain.errors import ProjectError
from annotator.domain.model import Change

if TYPE_CHECKING:
    from annotator.domain.scheme import CodingScheme
    from annotator.storage.engine import Engine

_BATCH = 500
_COLUMNS = ("id", "publication_key", "content_hash", "title", "date", "outlet", "url",
            "source_path", "text", "length", "metadata", "imported_at")
# Work that ties a document to a coder or a study: such a document is never removed.
_WORK_TABLES = ("spans", "variable_values", "document_status", "assignments",
                "document_memos")

RemovedDocument = tuple[Any, ...]  # a documents row, in _COLUMNS order


class CorpusMixin:
    db: Engine

    if TYPE_CHECKING:  # provided by Project
        def _announce(self, change: Change) -> None: ...
        def transaction(self, whole: bool = False) -> Any: ...
        location: str
        @property
        def scheme(self) -> CodingScheme: ...
        def coders(self) -> list[str]: ...
        def design(self) -> dict[str, Any]: ...
        def has_assignments(self, coder: str | None = None) -> bool: ...

    def texts(self, ids: list[int] | None = None) -> Iterator[tuple[int, str]]:
        """``(id, text)`` of every document (or of ``ids``), by id, a batch at a time."""
        if ids is None:
            last = -1
            while batch := self.db.execute(
                    "SELECT id, text FROM documents WHERE id > ? ORDER BY id LIMIT ?",
                    [last, _BATCH]).fetchall():
                yield from batch
                last = batch[-1][0]
            return
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), _BATCH):
            chunk = wanted[i: i + _BATCH]
            yield from self.db.execute(
                f"SELECT id, text FROM documents WHERE id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY id", chunk).fetchall()

    def documents_with_work(self, ids: list[int]) -> set[int]:
        """Those of ``ids`` that a coder has coded, set a status on, or been assigned."""
        found: set[int] = set()
        for i in range(0, len(ids), _BATCH):
            chunk = ids[i: i + _BATCH]
            marks = ",".join("?" * len(chunk))
            for table in _WORK_TABLES:
                found.update(r[0] for r in self.db.execute(
                    f"SELECT DISTINCT document_id FROM {table} WHERE document_id IN ({marks})",
                    chunk))
        return found

    def remove_documents(self, ids: list[int]) -> list[RemovedDocument]:
        """Remove documents nobody has worked on, in one transaction; return their rows so
        ``restore_documents`` can put them back exactly. A document with work is refused,
        and then nothing is removed."""
        ids = sorted(set(ids))
        removed: list[RemovedDocument] = []
        with self.transaction(whole=True):  # checked under the write lock: a coder in
            busy = self.documents_with_work(ids)  # another window cannot start in between
            if busy:
                shown = ", ".join(str(i) for i in sorted(busy)[:10])
                raise ProjectError(f"documents {shown} are coded or assigned; only documents "
                                   "nobody has worked on can be removed")
            for i in range(0, len(ids), _BATCH):
                chunk = ids[i: i + _BATCH]
                marks = ",".join("?" * len(chunk))
                rows = self.db.execute(f"SELECT {', '.join(_COLUMNS)} FROM documents "
                                       f"WHERE id IN ({marks}) ORDER BY id", chunk).fetchall()
                if len(rows) != len(chunk):
                    missing = sorted(set(chunk) - {r[0] for r in rows})
                    raise ProjectError(f"no document with id {missing[0]}")
                removed += rows
                self.db.execute(f"DELETE FROM documents WHERE id IN ({marks})", chunk)
            self._announce(Change("documents_imported"))
        return removed

    def restore_documents(self, rows: list[RemovedDocument]) -> None:
        """Put back documents that ``remove_documents`` took out, with their ids."""
        with self.transaction():
            for row in rows:
                self.db.execute(f"INSERT INTO documents ({', '.join(_COLUMNS)}) "
                                f"VALUES ({','.join('?' * len(_COLUMNS))})", list(row))
                self.db.index_documents("id = ?", [row[0]])
            self._announce(Change("documents_imported"))

    def document_lengths(self, ids: list[int]) -> dict[int, int]:
        """The length in characters of each of ``ids``, without reading their texts."""
        found: dict[int, int] = {}
        for i in range(0, len(ids), _BATCH):
            chunk = ids[i: i + _BATCH]
            found.update(self.db.execute(f"SELECT id, length FROM documents WHERE id IN "
                                         f"({','.join('?' * len(chunk))})", chunk).fetchall())
        return found

    def documents_with_metadata(self, key: str) -> list[int]:
        """The ids of documents whose imported metadata has a field ``key``."""
        return [r[0] for r in self.db.execute(
            f"SELECT d.id FROM documents d, json_each({self.db.sql.json('d.metadata')}) j "
            f"WHERE j.key = ? ORDER BY d.id", [key])]

    def set_metadata_field(self, key: str, values: dict[int, str | None]
                           ) -> dict[int, str | None]:
        """Set (or, for ``None``, remove) the imported metadata field ``key`` on each
        document of ``values``, in one transaction; return what each held before."""
        if not key.strip():
            raise ProjectError("a metadata field needs a name")
        before: dict[int, str | None] = {}
        with self.transaction():
            for doc_id, value in values.items():
                row = self.db.execute("SELECT metadata FROM documents WHERE id = ?",
                                      [doc_id]).fetchone()
                if row is None:
                    raise ProjectError(f"no document with id {doc_id}")
                metadata = json.loads(row[0])
                before[doc_id] = metadata.get(key)
                if value is None:
                    metadata.pop(key, None)
                else:
                    metadata[key] = value
                self.db.execute("UPDATE documents SET metadata = ? WHERE id = ?",
                                [json.dumps(metadata, ensure_ascii=False), doc_id])
            self._announce(Change("documents_imported"))
        return before

    def info(self) -> dict[str, object]:
        """What the project holds and by whom (``annotator info``)."""
        def one(sql: str) -> int:
            return int(self.db.execute(sql).fetchone()[0])

        status: dict[str, dict[str, int]] = {}
        for coder, st, n in self.db.execute(
                "SELECT c.name, s.status, count(*) FROM document_status s "
                "JOIN coders c ON c.id = s.coder_id GROUP BY c.name, s.status"):
            status.setdefault(coder, {})[st] = n
        return {
            "path": self.location,
            "scheme": f"{self.scheme.name} (version {self.scheme.version})",
            "documents": one("SELECT count(*) FROM documents"),
            "coders": self.coders(),
            "spans": one("SELECT count(*) FROM spans"),
            "spans_by_coder": dict(self.db.execute(
                "SELECT c.name, count(*) FROM spans s JOIN coders c ON c.id = s.coder_id "
                "GROUP BY c.name").fetchall()),
            "status": status,
            **({"design": self.design()} if self.has_assignments() else {}),
        }
