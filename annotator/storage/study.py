"""A reliability study in the project file: assignments, the study's settings, and what
merging in rounds needs (each coder's work on a document, hashed, as it was last merged).

A coder owns their work: a later package of ana's replaces the target's copy of ana's work
on a document whole (new, changed and deleted spans, values, status) when that copy is
still what the last merge left; when both sides changed it since, that is a conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from annotator.domain.assignment import Plan
from annotator.domain.model import Change, Status
from annotator.storage.exchange import CodingResult

if TYPE_CHECKING:
    from annotator.domain.model import Span
    from annotator.storage.engine import Engine


def work_digest(spans: list[tuple[Any, ...]], variables: dict[str, Any], status: Status,
                memo: str = "") -> str:
    data = {"spans": sorted(spans, key=lambda s: s[0]), "variables": variables,
            "status": status.value}
    if memo:  # only then: work without memos keeps the hash it had before memos existed
        data["memo"] = memo
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


NO_WORK = work_digest([], {}, Status.NOT_STARTED)


class StudyMixin:
    db: Engine

    if TYPE_CHECKING:  # provided by Project and its other mixins
        def _announce(self, change: Change) -> None: ...
        def _coder_id(self, name: str, *, create: bool = True) -> int | None: ...
        def transaction(self, whole: bool = False) -> Any: ...
        def spans(self, document_id: int, coder: str | None = None) -> list[Span]: ...
        def variables(self, document_id: int, coder: str) -> dict[str, Any]: ...
        def document_memo(self, document_id: int, coder: str) -> str: ...
        def status(self, document_id: int, coder: str) -> Status: ...
        def set_status(self, document_id: int, coder: str, status: Status) -> None: ...
        def import_coding(self, document_id: int, coder: str, work: dict[str, Any],
                          result: CodingResult) -> None: ...

    # -- assignments ---------------------------------------------------------------------
    def set_assignments(self, plan: Plan) -> None:
        with self.transaction(whole=True):
            self.db.execute("DELETE FROM assignments")
            for coder, documents in plan.order.items():
                coder_id = self._coder_id(coder)
                self.db.executemany(
                    "INSERT INTO assignments (document_id, coder_id, reliability, position) "
                    "VALUES (?, ?, ?, ?)",
                    [(d, coder_id, int(d in plan.reliability), i)
                     for i, d in enumerate(documents)])
            self._announce(Change("documents_imported"))  # every list shows the new design

    def has_assignments(self, coder: str | None = None) -> bool:
        if coder is None:
            return self.db.execute("SELECT 1 FROM assignments LIMIT 1").fetchone() is not None
        return self.db.execute(
            "SELECT 1 FROM assignments a JOIN coders c ON c.id = a.coder_id WHERE c.name = ? "
            "LIMIT 1", [coder]).fetchone() is not None

    def assigned(self, coder: str) -> list[int]:
        """The coder's documents in their own order."""
        return [r[0] for r in self.db.execute(
            "SELECT a.document_id FROM assignments a JOIN coders c ON c.id = a.coder_id "
            "WHERE c.name = ? ORDER BY a.position", [coder])]

    def assignment_rows(self) -> list[tuple[int, str, bool]]:
        return [(d, c, bool(r)) for d, c, r in self.db.execute(
            "SELECT a.document_id, c.name, a.reliability FROM assignments a JOIN coders c "
            "ON c.id = a.coder_id ORDER BY a.document_id, c.name")]

    def coders_with_work(self) -> dict[int, set[str]]:
        """Per document, the coders who have coded it (a status, a span or a value)."""
        found: dict[int, set[str]] = {}
        for d, name in self.db.execute(
                "SELECT w.document_id, c.name FROM (SELECT document_id, coder_id FROM "
                "document_status UNION SELECT document_id, coder_id FROM spans UNION "
                "SELECT document_id, coder_id FROM variable_values) w "
                "JOIN coders c ON c.id = w.coder_id"):
            found.setdefault(d, set()).add(name)
        return found

    def design(self) -> dict[str, Any]:
        """Per coder: assigned, done, in progress; the reliability sample's completion."""
        rows = self.assignment_rows()
        statuses = {(d, c): s for d, c, s in self.db.execute(
            "SELECT s.document_id, c.name, s.status FROM document_status s JOIN coders c "
            "ON c.id = s.coder_id")}
        per_coder: dict[str, Counter[str]] = {}
        sample: dict[int, list[str]] = {}
        for doc, coder, reliability in rows:
            tally = per_coder.setdefault(coder, Counter())
            tally["assigned"] += 1
            tally[statuses.get((doc, coder), "not_started")] += 1
            if reliability:
                sample.setdefault(doc, []).append(coder)
        complete = sum(1 for d, cs in sample.items()
                       if all(statuses.get((d, c)) == "done" for c in cs))
        return {"coders": {c: {"assigned": t["assigned"], "done": t["done"],
                               "in_progress": t["in_progress"]} for c, t in per_coder.items()},
                "reliability_sample": len(sample), "reliability_complete": complete,
                "blind_locked": bool(self.study_setting("blind_locked", False))}

    # -- settings ------------------------------------------------------------------------
    def study_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM study_settings WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_study_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.db.execute("INSERT INTO study_settings (key, value) VALUES (?, ?) "
                            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            [key, json.dumps(value)])
            self._announce(Change("study_changed"))

    # -- merging in rounds -----------------------------------------------------------------
    def work_hash(self, document_id: int, coder: str) -> str:
        """What a coder's work on a document is: spans (with attributes and links),
        variable values and status, as one hash."""
        spans, variables, status, memo = self.work_parts(document_id, coder)
        return work_digest(list(spans.values()), variables, status, memo)

    def work_parts(self, document_id: int, coder: str
                   ) -> tuple[dict[str, tuple[Any, ...]], dict[str, Any], Status, str]:
        """The parts ``work_hash`` hashes: spans by id, values, status and memo, so a merge
        can tell whether one side's work holds all of the other's."""
        spans = {s.id: (s.id, s.category, s.label, s.start, s.end, s.attributes)
                 + ((s.memo,) if s.memo else ()) for s in self.spans(document_id, coder)}
        return (spans, self.variables(document_id, coder), self.status(document_id, coder),
                self.document_memo(document_id, coder))

    def work_changed_at(self, document_id: int, coder: str) -> str:
        """When the coder last changed their work on the document ("" if never): the newest
        time of its spans, values, status and memo."""
        coder_id = self._coder_id(coder, create=False)
        if coder_id is None:
            return ""
        row = self.db.execute(
            "SELECT max(t) FROM (" + " UNION ALL ".join(
                f"SELECT max(updated_at) AS t FROM {table} WHERE document_id = ? "
                f"AND coder_id = ?" for table in ("spans", "variable_values",
                                                   "document_status", "document_memos"))
            + ") AS times", [document_id, coder_id] * 4).fetchone()
        return row[0] or ""

    def merge_base(self, document_id: int, coder: str) -> str | None:
        found = self.merge_base_of(document_id, coder)
        return found[0] if found else None

    def merge_base_of(self, document_id: int, coder: str) -> tuple[str, str, str] | None:
        """(hash, lineage of the project it came from, when it had last changed there) of
        the coder's work as the last merge brought it, or as the package was made with it."""
        coder_id = self._coder_id(coder, create=False)
        row = self.db.execute("SELECT work_hash, source, changed_at FROM merge_bases WHERE "
                              "document_id = ? AND coder_id = ?",
                              [document_id, coder_id]).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def set_merge_base(self, document_id: int, coder: str, work_hash: str,
                       source: str = "", changed_at: str = "") -> None:
        """The coder's work as the last merge brought it (inside the merge's transaction)."""
        self.db.execute("INSERT INTO merge_bases (document_id, coder_id, work_hash, source, "
                        "changed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (document_id, "
                        "coder_id) DO UPDATE SET work_hash = excluded.work_hash, "
                        "source = excluded.source, changed_at = excluded.changed_at",
                        [document_id, self._coder_id(coder), work_hash, source, changed_at])

    @property
    def lineage(self) -> str:
        """Which line of work this project is: a new project, a package and a copy each
        start their own; a project from before lineages is known by its location."""
        return str(self.study_setting("lineage") or f"at:{self.key}")  # type: ignore[attr-defined]

    def new_lineage(self) -> None:
        import uuid

        self.set_study_setting("lineage", str(uuid.uuid4()))

    def replace_coding(self, document_id: int, coder: str, work: dict[str, Any],
                       result: CodingResult) -> None:
        """Make the coder's work on the document exactly ``work`` (inside a transaction)."""
        coder_id = self._coder_id(coder)
        self.db.execute("DELETE FROM spans WHERE document_id = ? AND coder_id = ?",
                        [document_id, coder_id])
        self.db.execute("DELETE FROM variable_values WHERE document_id = ? AND coder_id = ?",
                        [document_id, coder_id])
        self.db.execute("DELETE FROM document_status WHERE document_id = ? AND coder_id = ?",
                        [document_id, coder_id])
        self.db.execute("DELETE FROM document_memos WHERE document_id = ? AND coder_id = ?",
                        [document_id, coder_id])
        self.import_coding(document_id, coder, work, result)
        status = Status(work.get("status", "not_started"))
        if self.status(document_id, coder) is not status:
            self.set_status(document_id, coder, status)
        self._announce(Change("span_changed", document_id, coder))
