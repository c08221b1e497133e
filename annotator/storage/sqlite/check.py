"""Checking a project file, and writing a repaired copy of a damaged one.

``check_project`` runs SQLite's own integrity check and then the project's invariants
(each span's text is its document's text at its offsets, links point at existing spans of
the categories the scheme allows, keys exist in the scheme, hashes match texts and each
publication key its text, outlet and date), naming the table and row of every problem.
``repair_project`` copies what is readable and valid into a new file beside the original
(never in place) and lists what it could not save.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.domain.errors import ProjectError
from annotator.domain.scheme import CodingScheme
from annotator.domain.text import content_hash, publication_key
from annotator.storage.sqlite import database

# Tables in the order a copy must fill them (foreign keys point backwards).
TABLES = ("coders", "coding_schemes", "documents", "spans", "span_links", "variable_values",
          "assignments", "study_settings", "merge_bases",
          "document_status")


@dataclass(frozen=True)
class Problem:
    table: str
    row: str  # the row's id (or key), as the user would look it up
    message: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}: {self.message}"


@dataclass
class RepairResult:
    path: Path
    copied: dict[str, int] = field(default_factory=dict)
    lost: list[Problem] = field(default_factory=list)


def _open_raw(path: Path) -> sqlite3.Connection:
    database.inspect_file(path)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           isolation_level=None)
    conn.execute("PRAGMA query_only = ON")
    return conn


def check_project(path: Path) -> list[Problem]:
    """Every problem found in the project file; an empty list means it is sound."""
    conn = _open_raw(path)
    try:
        problems = [Problem("file", "-", message) for message in _integrity(conn)]
        scheme = _scheme(conn, problems)
        rows = {table: list(_readable_rows(conn, table, problems)) for table in TABLES}
        problems += _invariants(rows, scheme)
        return problems
    finally:
        conn.close()


def _integrity(conn: sqlite3.Connection) -> list[str]:
    try:
        found = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [f"SQLite cannot check the file: {exc}"]
    return [] if found == ["ok"] else found


def _scheme(conn: sqlite3.Connection, problems: list[Problem]) -> CodingScheme | None:
    try:
        rows = conn.execute("SELECT id, definition FROM coding_schemes ORDER BY id").fetchall()
    except sqlite3.DatabaseError as exc:
        problems.append(Problem("coding_schemes", "-", f"unreadable ({exc})"))
        return None
    scheme = None
    for row_id, definition in rows:
        try:
            scheme = CodingScheme.from_dict(json.loads(definition))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(Problem("coding_schemes", str(row_id),
                                    f"the stored scheme is damaged ({type(exc).__name__})"))
    if not rows:
        problems.append(Problem("coding_schemes", "-", "the project has no coding scheme"))
    return scheme


def _readable_rows(conn: sqlite3.Connection, table: str, problems: list[Problem]
                   ) -> Iterator[dict[str, Any]]:
    """A table's rows; where a damaged page stops the scan, row by row around it. (A table
    an older file version does not have yet has no rows.)"""
    try:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              [table]).fetchone()
    except sqlite3.DatabaseError:
        exists = True
    if not exists:
        return
    try:
        cursor = conn.execute(f"SELECT rowid AS _rowid, * FROM {table} ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        yield from (dict(zip(names, r, strict=True)) for r in cursor.fetchall())
        return
    except sqlite3.DatabaseError:
        pass
    try:
        last = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
    except sqlite3.DatabaseError as exc:
        problems.append(Problem(table, "-", f"the table cannot be read at all ({exc})"))
        return
    unreadable = 0
    for rowid in range(1, last + 1):
        try:
            cursor = conn.execute(f"SELECT rowid AS _rowid, * FROM {table} WHERE rowid = ?",
                                  [rowid])
            row = cursor.fetchone()
        except sqlite3.DatabaseError:
            unreadable += 1
            continue
        if row is not None:
            yield dict(zip([d[0] for d in cursor.description], row, strict=True))
    problems.append(Problem(table, "-", f"damaged pages: {unreadable} of {last} rows could "
                                        f"not be read" if unreadable else
                                        "damaged pages, but every row could be read"))


def _invariants(rows: dict[str, list[dict[str, Any]]], scheme: CodingScheme | None
                ) -> list[Problem]:
    problems: list[Problem] = []
    documents = {d["id"]: d for d in rows["documents"]}
    coders = {c["id"] for c in rows["coders"]}
    for doc in documents.values():
        if not isinstance(doc["text"], str) or content_hash(doc["text"]) != doc["content_hash"]:
            problems.append(Problem("documents", str(doc["id"]), "its text does not match its "
                                    "content hash (changed outside annotator)"))
        elif "publication_key" in doc and doc["publication_key"] != publication_key(
                doc["content_hash"], doc["outlet"], doc["date"]):
            problems.append(Problem("documents", str(doc["id"]), "its outlet or date does not "
                                    "match its publication key (changed outside annotator)"))
    spans = {s["id"]: s for s in rows["spans"]}
    for span in spans.values():
        problems += [Problem("spans", span["id"], m) for m in _span_faults(span, documents,
                                                                           coders, scheme)]
    for link in rows["span_links"]:
        source, target = spans.get(link["span_id"]), spans.get(link["target_id"])
        where = _key("span_links", link)
        if source is None or target is None:
            problems.append(Problem("span_links", where, "links a span that does not exist"))
            continue
        category = scheme.category(source["category"]) if scheme else None
        attribute = category.attribute(link["attribute"]) if category else None
        if scheme and (attribute is None or attribute.type != "link"):
            problems.append(Problem("span_links", where, "not a link attribute of the scheme"))
        elif attribute and target["category"] not in attribute.targets:
            problems.append(Problem("span_links", where, f"links to a {target['category']} "
                                    f"span; allowed: {', '.join(attribute.targets)}"))
    for table in ("variable_values", "document_status"):
        for row in rows[table]:
            if row["document_id"] not in documents or row["coder_id"] not in coders:
                problems.append(Problem(table, _key(table, row), "belongs to a missing "
                                        "document or coder"))
    for value in rows["variable_values"]:
        if scheme and scheme.variable(value["variable"]) is None:
            problems.append(Problem("variable_values", _key("variable_values", value),
                                    f"variable {value['variable']!r} is not in the scheme"))
    return problems


def _key(table: str, row: dict[str, Any]) -> str:
    """How a problem names its row, the same in the report and in the repair."""
    if table == "span_links":
        return f"{row['span_id']}.{row['attribute']}"
    if table in ("variable_values", "document_status"):
        return f"document {row['document_id']}, coder {row['coder_id']}" + (
            f", {row['variable']}" if table == "variable_values" else "")
    return str(row.get("id", "-"))


def _span_faults(span: dict[str, Any], documents: dict[int, dict[str, Any]], coders: set[int],
                 scheme: CodingScheme | None) -> list[str]:
    faults = []
    doc = documents.get(span["document_id"])
    if doc is None:
        faults.append(f"belongs to document {span['document_id']}, which does not exist")
    elif not (0 <= span["start_offset"] < span["end_offset"] <= len(doc["text"])
              and doc["text"][span["start_offset"]:span["end_offset"]] == span["text"]):
        faults.append(f"its text {str(span['text'])[:30]!r} is not the document's text at "
                      f"[{span['start_offset']}, {span['end_offset']})")
    if span["coder_id"] not in coders:
        faults.append("belongs to a coder who does not exist")
    try:
        attributes = json.loads(span["attributes"])
    except (TypeError, ValueError):
        attributes = None
    if not isinstance(attributes, dict):
        faults.append("its attributes are not a JSON object")
    if scheme:
        category = scheme.category(span["category"])
        if category is None:
            faults.append(f"category {span['category']!r} is not in the scheme")
        elif span["label"] is not None and category.label(span["label"]) is None:
            faults.append(f"label {span['label']!r} is not a label of {span['category']!r}")
    return faults


def repair_project(path: Path, target: Path | None = None) -> RepairResult:
    """Copy what is readable and sound into ``target`` (default: beside the original)."""
    target = target or path.with_name(f"{path.stem}.repaired{path.suffix}")
    if target.exists():
        raise ProjectError(f"{target}: already exists; move it away first")
    conn = _open_raw(path)
    result = RepairResult(target)
    try:
        problems: list[Problem] = []
        scheme = _scheme(conn, problems)
        rows = {table: list(_readable_rows(conn, table, problems)) for table in TABLES}
        version = database.version_of(conn)  # type: ignore[arg-type]
    finally:
        conn.close()
    faults = _invariants(rows, scheme)
    bad = {(p.table, p.row) for p in faults}
    result.lost += [p for p in problems if p.row == "-"] + faults
    out = database.connect(target, new=True)
    try:
        database.migrate(out, target, target=max(version, 1))
        out.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            result.copied[table] = 0
            for row in rows[table]:
                key = _key(table, row)
                if (table, key) in bad:
                    continue
                row.pop("_rowid", None)
                try:
                    out.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES "
                                f"({', '.join('?' * len(row))})", list(row.values()))
                    result.copied[table] += 1
                except sqlite3.DatabaseError as exc:
                    result.lost.append(Problem(table, key or "-", f"not copied ({exc})"))
        out.execute("COMMIT")
        database.checkpoint(out)
    except BaseException:
        out.close()
        database.remove_files(target)
        raise
    out.close()
    return result
