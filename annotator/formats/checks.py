"""Checks every incoming document and coders' work passes before it reaches the project: the
same for text files, CSV, JSONL and REFI-QDA, so a bad value is refused naming its file and
line instead of failing half-way through an import (which then changes nothing).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from annotator.domain.errors import ImportFailed
from annotator.domain.model import NewDocument

_SURROGATE = re.compile("[\ud800-\udfff]")
_STATUSES = ("not_started", "in_progress", "done")
_SPAN_KEYS = {"id": str, "category": str, "start": int, "end": int}


def check_document(document: NewDocument, path: Path | str, line: int | None = None) -> None:
    """Refuse text a project cannot hold as it is: NUL characters (SQLite would cut the text
    there) and lone surrogates (not Unicode; they cannot be stored as UTF-8)."""
    for name, value in (("text", document.text), ("title", document.title)):
        if "\x00" in value:
            where = value.index("\x00")
            raise ImportFailed(path, f"the {name} contains a NUL character (at character "
                                     f"{where}); remove it, then import again", line=line)
    for value in (document.text, document.title, document.date or "", document.outlet or "",
                  document.url or ""):
        if _encodable(value):  # the common case, at C speed; the scan only to name it
            continue
        if (match := _SURROGATE.search(value)) is not None:
            raise ImportFailed(path, f"contains a lone surrogate ({match.group()!r}), which is "
                                     f"not valid Unicode text", line=line)
    if document.metadata or document.coding:  # rarer, nested: the slow, thorough way
        try:
            json.dumps([document.metadata, document.coding], ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ImportFailed(path, f"contains a lone surrogate "
                                     f"({exc.object[exc.start:exc.end]!r}), which is not "
                                     f"valid Unicode text", line=line) from None


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_coding(coding: Any, path: Path | str, line: int | None = None) -> None:
    """Incoming coders' work must have the shape the project stores, or it is refused
    here, naming the line, rather than half-way through the import."""
    def fail(message: str) -> None:
        raise ImportFailed(path, message, line=line)

    if not isinstance(coding, dict):
        fail("'coders' must be an object of coder name → work")
    for coder, work in coding.items():
        if not isinstance(coder, str) or not coder.strip():
            fail("a coder's name is blank")
        if not isinstance(work, dict):
            fail(f"{coder}'s work must be an object")
        if work.get("status", "in_progress") not in _STATUSES:
            fail(f"{coder}'s status {work.get('status')!r} is not one of {', '.join(_STATUSES)}")
        if not isinstance(work.get("variables", {}), dict):
            fail(f"{coder}'s variables must be an object")
        spans = work.get("spans", [])
        if not isinstance(spans, list):
            fail(f"{coder}'s spans must be a list")
        seen: set[str] = set()
        for number, span in enumerate(spans, start=1):
            if not isinstance(span, dict):
                fail(f"{coder}'s span {number} is not an object")
            for key, kind in _SPAN_KEYS.items():
                value = span.get(key)
                if not isinstance(value, kind) or isinstance(value, bool) or value == "":
                    fail(f"{coder}'s span {number} has no valid {key!r}")
            if span["id"] in seen:
                fail(f"{coder}'s span id {span['id']} appears twice")
            seen.add(span["id"])
            if not isinstance(span.get("attributes", {}), dict):
                fail(f"{coder}'s span {number}: 'attributes' must be an object")
            if span.get("label") is not None and not isinstance(span["label"], str):
                fail(f"{coder}'s span {number}: 'label' must be text")

