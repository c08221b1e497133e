"""Coders' work in the project file: spans (with links), document variables and status.

Each public method that changes data is one transaction and announces one ``Change``.
Values are checked against the current coding scheme before anything is written.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.domain.errors import ProjectError
from annotator.domain.model import Change, Span, Status
from annotator.domain.scheme import CodingScheme
from annotator.domain.validation import check_attribute, check_variable
from annotator.storage.sqlite.database import now

if TYPE_CHECKING:
    from annotator.storage.engine import Engine

_UNSET: Any = object()
_SPAN_COLUMNS = ("s.id, s.document_id, c.name, s.category, s.start_offset, s.end_offset, s.text, "
                 "s.label, s.attributes, s.created_at, s.updated_at, s.memo, s.origin")
_PARSED: dict[str, dict[str, Any]] = {}  # attribute sets read before, by their stored JSON
_PARSED_AT_MOST = 10_000
_PLAIN = (str, int, float, bool, type(None))


def _attributes(stored: str, span_id: str) -> dict[str, Any]:
    """A span's attributes from their JSON, a dict of its own (links are added to it),
    parsed once per distinct set of plain values: a corpus repeats a few choices, and a
    million ``json.loads`` took 1-2 s of a 100,000-article JSONL export."""
    found = _PARSED.get(stored)
    if found is not None:
        return dict(found)
    found = json.loads(stored)
    if not isinstance(found, dict):
        raise ProjectError(f"span {span_id} has damaged attributes ({stored[:40]}); run "
                           f"'annotator check' on the project")
    if len(_PARSED) < _PARSED_AT_MOST and all(isinstance(v, _PLAIN) for v in found.values()):
        _PARSED[stored] = found
        return dict(found)
    return found


@dataclass(frozen=True)
class DeletedSpan:
    """A deleted span and the links that pointed at it: all that undo needs to restore it."""

    span: Span
    incoming: tuple[tuple[str, str], ...]  # (source span id, attribute)


class CodingMixin:
    db: Engine

    if TYPE_CHECKING:  # provided by Project and its other mixins
        @property
        def scheme(self) -> CodingScheme: ...

        def _announce(self, change: Change) -> None: ...
        def _coder_id(self, name: str, *, create: bool = True) -> int | None: ...
        def transaction(self, whole: bool = False) -> Any: ...

    # -- reading -------------------------------------------------------------------------
    def spans(self, document_id: int, coder: str | None = None) -> list[Span]:
        """A document's spans (one coder's, or everyone's), by start then end."""
        sql = (f"SELECT {_SPAN_COLUMNS} FROM spans s JOIN coders c ON c.id = s.coder_id "
               f"WHERE s.document_id = ?")
        params: list[Any] = [document_id]
        if coder is not None:
            sql += " AND c.name = ?"
            params.append(coder)
        rows = self.db.execute(sql + " ORDER BY s.start_offset, s.end_offset, s.created_at",
                               params).fetchall()
        links: dict[str, dict[str, str]] = {}
        # links are read with a probe per span: not in a project that has none
        if rows and self.db.execute("SELECT EXISTS (SELECT 1 FROM span_links)").fetchone()[0]:
            for source, attribute, target in self.db.execute(
                    "SELECT l.span_id, l.attribute, l.target_id FROM span_links l JOIN spans s "
                    "ON s.id = l.span_id WHERE s.document_id = ?", [document_id]):
                links.setdefault(source, {})[attribute] = target
        return [self._row_to_span(r, links) for r in rows]

    def span(self, span_id: str) -> Span:
        rows = self.db.execute(f"SELECT {_SPAN_COLUMNS} FROM spans s JOIN coders c "
                               f"ON c.id = s.coder_id WHERE s.id = ?", [span_id]).fetchall()
        if not rows:
            raise ProjectError(f"no span with id {span_id}")
        return self._with_links(rows)[0]

    def iter_spans(self, document_ids: Iterable[int] | None = None,
                   coders: Iterable[str] | None = None) -> Iterator[Span]:
        """All spans, by document then coder then start: for agreement and export."""
        sql = f"SELECT {_SPAN_COLUMNS} FROM spans s JOIN coders c ON c.id = s.coder_id"
        where, params = [], []
        if document_ids is not None:
            ids = list(document_ids)
            where.append(f"s.document_id IN ({self.db.sql.ints_in()})")
            params.append(json.dumps(ids))
        if coders is not None:
            where.append(f"c.name IN ({self.db.sql.texts_in()})")
            params.append(json.dumps(list(coders)))
        if where:
            sql += " WHERE " + " AND ".join(where)
        links = self._links_of(None)
        for r in self.db.stream(sql + " ORDER BY s.document_id, c.name, s.start_offset, "
                                "s.end_offset", params):
            yield self._row_to_span(r, links)

    def _links_of(self, span_ids: list[str] | None) -> dict[str, dict[str, str]]:
        if span_ids is None:
            rows = self.db.execute("SELECT span_id, attribute, target_id FROM span_links")
        else:
            rows = self.db.execute(
                "SELECT span_id, attribute, target_id FROM span_links "
                f"WHERE span_id IN ({self.db.sql.texts_in()})", [json.dumps(span_ids)])
        links: dict[str, dict[str, str]] = {}
        for source, attribute, target in rows:
            links.setdefault(source, {})[attribute] = target
        return links

    def _with_links(self, rows: list[tuple[Any, ...]]) -> list[Span]:
        links = self._links_of([r[0] for r in rows]) if rows else {}
        return [self._row_to_span(r, links) for r in rows]

    @staticmethod
    def _row_to_span(r: tuple[Any, ...], links: dict[str, dict[str, str]]) -> Span:
        attributes = {} if r[8] == "{}" else _attributes(r[8], r[0])  # most spans have none
        if links:  # (most projects have none)
            attributes.update(links.get(r[0], {}))
        return Span.stored(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], attributes, r[9],
                           r[10], r[11], r[12])

    # -- spans ---------------------------------------------------------------------------
    def add_span(self, document_id: int, coder: str, category: str, start: int, end: int,
                 label: str | None = None, attributes: dict[str, Any] | None = None,
                 *, span_id: str | None = None, created_at: str | None = None,
                 updated_at: str | None = None, memo: str = "", origin: str = "") -> Span:
        """Store a new span of ``text[start:end]``; the document becomes in progress.
        ``origin``: where it came from ("" by hand; see ``Span.origin``)."""
        with self.transaction():
            self._check_category(category, label)
            plain, links = self._split_attributes(category, attributes or {})
            text = self._covered_text(document_id, start, end)
            stamp = updated_at or now()
            span = Span(id=span_id or str(uuid.uuid4()), document_id=document_id, coder=coder,
                        category=category, start=start, end=end, text=text, label=label,
                        attributes={**plain, **links}, created_at=created_at or stamp,
                        updated_at=stamp, memo=memo, origin=origin)
            self.db.execute(
                "INSERT INTO spans (id, document_id, coder_id, category, label, start_offset, "
                "end_offset, text, attributes, created_at, updated_at, memo, origin) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [span.id, document_id, self._coder_id(coder), category, label, start, end, text,
                 json.dumps(plain, ensure_ascii=False), span.created_at, stamp, memo, origin])
            self._write_links(span.id, links)
            self._mark_started(document_id, coder)
            self._announce(Change("span_added", document_id, coder, span.id))
        return span

    def update_span(self, span_id: str, *, label: str | None = _UNSET, start: int = _UNSET,
                    end: int = _UNSET, attributes: dict[str, Any] = _UNSET,
                    memo: str = _UNSET) -> Span:
        """Change a span's label, range, whole attribute set or memo; returns the new span."""
        with self.transaction():
            old = self.span(span_id)
            new_label = old.label if label is _UNSET else label
            new_start = old.start if start is _UNSET else start
            new_end = old.end if end is _UNSET else end
            self._check_category(old.category, new_label)
            plain, links = self._split_attributes(
                old.category, old.attributes if attributes is _UNSET else attributes)
            text = self._covered_text(old.document_id, new_start, new_end)
            new_memo = old.memo if memo is _UNSET else memo.strip("\n")
            stamp = now()
            changed = self.db.execute(
                "UPDATE spans SET label = ?, start_offset = ?, end_offset = ?, text = ?, "
                "attributes = ?, updated_at = ?, memo = ? WHERE id = ?",
                [new_label, new_start, new_end, text, json.dumps(plain, ensure_ascii=False),
                 stamp, new_memo, span_id]).rowcount
            if not changed:  # a server's rules hide the row from this coder's writes
                raise ProjectError(f"the server refused: span {span_id} is {old.coder}'s")
            self.db.execute("DELETE FROM span_links WHERE span_id = ?", [span_id])
            self._write_links(span_id, links)
            self._announce(Change("span_changed", old.document_id, old.coder, span_id))
        return old.with_changes(label=new_label, start=new_start, end=new_end, text=text,
                                attributes={**plain, **links}, updated_at=stamp, memo=new_memo)

    def set_attribute(self, span_id: str, key: str, value: Any) -> Span:
        """Set one attribute (``None`` clears it)."""
        attributes = dict(self.span(span_id).attributes)
        if value is None:
            attributes.pop(key, None)
        else:
            attributes[key] = value
        return self.update_span(span_id, attributes=attributes)

    def delete_span(self, span_id: str) -> DeletedSpan:
        with self.transaction():
            span = self.span(span_id)
            incoming = tuple(tuple(r) for r in self.db.execute(
                "SELECT span_id, attribute FROM span_links WHERE target_id = ?", [span_id]))
            if not self.db.execute("DELETE FROM spans WHERE id = ?", [span_id]).rowcount:
                raise ProjectError(f"the server refused: span {span_id} is {span.coder}'s")
            self._announce(Change("span_removed", span.document_id, span.coder, span_id))
            for source, _ in incoming:
                self._announce(Change("span_changed", span.document_id, span.coder, source))
        return DeletedSpan(span, incoming)

    def restore_span(self, deleted: DeletedSpan) -> Span:
        """Put a deleted span back as it was, with the links that pointed at it."""
        s = deleted.span
        with self.transaction():
            span = self.add_span(s.document_id, s.coder, s.category, s.start, s.end, s.label,
                                 s.attributes, span_id=s.id, created_at=s.created_at,
                                 updated_at=s.updated_at, memo=s.memo, origin=s.origin)
            for source, attribute in deleted.incoming:
                self.db.execute("INSERT INTO span_links (span_id, attribute, target_id) "
                                "VALUES (?, ?, ?) ON CONFLICT (span_id, attribute) DO UPDATE "
                                "SET target_id = excluded.target_id", [source, attribute, s.id])
                self._announce(Change("span_changed", s.document_id, s.coder, source))
        return span

    def _covered_text(self, document_id: int, start: int, end: int) -> str:
        row = self.db.execute("SELECT length, substr(text, ?, ?) FROM documents WHERE id = ?",
                              [start + 1, max(end - start, 0), document_id]).fetchone()
        if row is None:
            raise ProjectError(f"no document with id {document_id}")
        if not 0 <= start < end <= row[0]:
            raise ProjectError(f"span [{start}, {end}) does not lie inside document "
                               f"{document_id} of {row[0]} characters")
        return str(row[1])

    def _check_category(self, category: str, label: str | None) -> None:
        cat = self.scheme.category(category)
        if cat is None:
            raise ProjectError(f"category {category!r} is not in the coding scheme")
        if label is not None and cat.label(label) is None:
            raise ProjectError(f"label {label!r} is not a label of category {category!r}")

    def _split_attributes(self, category: str, attributes: dict[str, Any]
                          ) -> tuple[dict[str, Any], dict[str, str]]:
        cat = self.scheme.category(category)
        assert cat is not None
        plain: dict[str, Any] = {}
        links: dict[str, str] = {}
        for key, value in attributes.items():
            definition = cat.attribute(key)
            if definition is None:
                raise ProjectError(f"attribute {key!r} is not defined for category {category!r}")
            if definition.type == "link":
                self._check_link_target(definition.targets, key, value)
                links[key] = value
            else:
                plain[key] = check_attribute(definition, value)
        return plain, links

    def _check_link_target(self, targets: tuple[str, ...], key: str, value: Any) -> None:
        row = self.db.execute("SELECT category FROM spans WHERE id = ?", [value]).fetchone()
        if row is None:
            raise ProjectError(f"attribute {key!r} links to a span that does not exist")
        if row[0] not in targets:
            raise ProjectError(f"attribute {key!r} may link only to {', '.join(targets)} spans, "
                               f"not to a {row[0]} span")

    def _write_links(self, span_id: str, links: dict[str, str]) -> None:
        for attribute, target in links.items():
            self.db.execute("INSERT INTO span_links (span_id, attribute, target_id) "
                            "VALUES (?, ?, ?)", [span_id, attribute, target])

    # -- document memos ------------------------------------------------------------------
    def document_memo(self, document_id: int, coder: str) -> str:
        row = self.db.execute("SELECT m.memo FROM document_memos m JOIN coders c ON c.id = "
                              "m.coder_id WHERE m.document_id = ? AND c.name = ?",
                              [document_id, coder]).fetchone()
        return str(row[0]) if row else ""

    def set_document_memo(self, document_id: int, coder: str, memo: str) -> None:
        """The coder's memo on the document; an empty one is removed."""
        memo = memo.strip("\n")
        with self.transaction():
            coder_id = self._coder_id(coder)
            if memo.strip():
                self.db.execute("INSERT INTO document_memos (document_id, coder_id, memo, "
                                "updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (document_id, "
                                "coder_id) DO UPDATE SET memo = excluded.memo, "
                                "updated_at = excluded.updated_at",
                                [document_id, coder_id, memo, now()])
                self._mark_started(document_id, coder)  # a note is work on the document
            else:
                self.db.execute("DELETE FROM document_memos WHERE document_id = ? AND "
                                "coder_id = ?", [document_id, coder_id])
            self._announce(Change("memo_set", document_id, coder))

    # -- document variables --------------------------------------------------------------
    def variables(self, document_id: int, coder: str) -> dict[str, Any]:
        return {k: json.loads(v) for k, v in self.db.execute(
            "SELECT v.variable, v.value FROM variable_values v JOIN coders c "
            "ON c.id = v.coder_id WHERE v.document_id = ? AND c.name = ?",
            [document_id, coder])}

    def all_variables(self) -> Iterator[tuple[int, str, str, Any]]:
        """(document id, coder, variable, value) for every stored value."""
        for d, c, k, v in self.db.execute(
                "SELECT v.document_id, c.name, v.variable, v.value FROM variable_values v "
                "JOIN coders c ON c.id = v.coder_id ORDER BY v.document_id, c.name, v.variable"):
            yield d, c, k, json.loads(v)

    def set_variable(self, document_id: int, coder: str, key: str, value: Any) -> None:
        """Set a document variable for a coder; ``None`` clears it."""
        definition = self.scheme.variable(key)
        if definition is None:
            raise ProjectError(f"document variable {key!r} is not in the coding scheme")
        with self.transaction():
            coder_id = self._coder_id(coder)
            if value is None:
                self.db.execute("DELETE FROM variable_values WHERE document_id = ? AND "
                                "coder_id = ? AND variable = ?", [document_id, coder_id, key])
            else:
                self.db.execute(
                    "INSERT INTO variable_values (document_id, coder_id, variable, value, "
                    "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (document_id, coder_id, "
                    "variable) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at",
                    [document_id, coder_id, key,
                     json.dumps(check_variable(definition, value), ensure_ascii=False), now()])
                self._mark_started(document_id, coder)
            self._announce(Change("variable_set", document_id, coder))

    # -- status --------------------------------------------------------------------------
    def status(self, document_id: int, coder: str) -> Status:
        row = self.db.execute(
            "SELECT s.status FROM document_status s JOIN coders c ON c.id = s.coder_id "
            "WHERE s.document_id = ? AND c.name = ?", [document_id, coder]).fetchone()
        return Status(row[0]) if row else Status.NOT_STARTED

    def statuses(self) -> dict[tuple[int, str], Status]:
        status = {s.value: s for s in Status}  # a lookup, not an Enum call per row
        return {(d, c): status[s] for d, c, s in self.db.execute(
            "SELECT s.document_id, c.name, s.status FROM document_status s "
            "JOIN coders c ON c.id = s.coder_id")}

    def set_status(self, document_id: int, coder: str, status: Status) -> None:
        with self.transaction():
            coder_id = self._coder_id(coder)
            if status is Status.NOT_STARTED:
                self.db.execute("DELETE FROM document_status WHERE document_id = ? AND "
                                "coder_id = ?", [document_id, coder_id])
            else:
                self.db.execute("INSERT INTO document_status (document_id, coder_id, status, "
                                "updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (document_id, "
                                "coder_id) DO UPDATE SET status = excluded.status, "
                                "updated_at = excluded.updated_at",
                                [document_id, coder_id, status.value, now()])
            self._announce(Change("status_set", document_id, coder))

    def status_counts(self, coder: str) -> dict[Status, int]:
        counts = {s: 0 for s in Status}
        coder_id = self._coder_id(coder, create=False)
        for st, n in self.db.execute("SELECT status, count(*) FROM document_status WHERE "
                                     "coder_id = ? GROUP BY status", [coder_id]):
            counts[Status(st)] = n
        counts[Status.NOT_STARTED] = self.document_count() - sum(counts.values())  # type: ignore[attr-defined]
        return counts

    def count_status(self, coder: str, status: Status) -> int:
        """How many documents the coder has at ``status`` (done or in progress): indexed."""
        coder_id = self._coder_id(coder, create=False)
        return int(self.db.execute("SELECT count(*) FROM document_status WHERE coder_id = ? "
                                   "AND status = ?", [coder_id, status.value]).fetchone()[0])

    def _mark_started(self, document_id: int, coder: str) -> None:
        """The coder's first work on the document: in progress, and the variables the
        scheme fills from the document (``default_from``) get their values, in the same
        transaction, wherever the first action came from (window, command line, server)."""
        coder_id = self._coder_id(coder)
        started = self.db.execute(
            "INSERT INTO document_status (document_id, coder_id, status, updated_at) VALUES "
            "(?, ?, 'in_progress', ?) ON CONFLICT DO NOTHING",
            [document_id, coder_id, now()]).rowcount
        prefilled = [v for v in self.scheme.variables if v.default_from]
        if not started or not prefilled:
            return
        row = self.db.execute("SELECT title, date, outlet, url, metadata FROM documents "
                              "WHERE id = ?", [document_id]).fetchone()
        fields = {"title": row[0], "date": row[1], "outlet": row[2], "url": row[3],
                  "metadata": json.loads(row[4] or "{}")}
        for variable in prefilled:
            value = variable.default(fields)
            if value is not None:
                self.db.execute("INSERT INTO variable_values (document_id, coder_id, variable, "
                                "value, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO "
                                "NOTHING", [document_id, coder_id, variable.key,
                                            json.dumps(value), now()])
