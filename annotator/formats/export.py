"""Exporters: document records → files. One writer per format, all reading the same records.

The pipeline is selection (which documents and coders, in ``actions``) → records
(``DocumentRecord``, streamed in document order) → a writer here. Writers never touch the
project; each writes to a temporary name and renames at the end, so an interrupted export
leaves no half file behind.
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import SPAN_ROW, DocumentRecord, Span
from annotator.domain.scheme import CodingScheme

JSONL_FORMAT = "annotator-jsonl"


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}.annotator-tmp-"


def clean_leftovers(path: Path) -> None:
    """Remove what an export killed half-way left beside ``path`` (hidden temporary files
    and folders); only names our exports make are touched."""
    if not path.parent.is_dir():
        return
    for stale in path.parent.glob(_temporary_prefix(path) + "*"):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)


def _private_to_public(name: str) -> None:
    """mkstemp makes 0600 files; an export should get the user's usual mode (umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, (0o777 if os.path.isdir(name) else 0o666) & ~umask)


def _writing_failed(path: Path, exc: OSError) -> AnnotatorError:
    return AnnotatorError(f"{path}: cannot write the export ({exc.strerror or exc}); "
                          f"nothing was written")


@contextmanager
def atomic_file(path: Path, *, encoding: str = "utf-8", newline: str | None = None
                ) -> Iterator[IO[str]]:
    with atomic_path(path) as tmp, tmp.open("w", encoding=encoding, newline=newline) as stream:
        yield stream


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` that becomes ``path`` when the block succeeds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(path)
        fd, name = tempfile.mkstemp(prefix=_temporary_prefix(path), dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise _writing_failed(path, exc) from None
    tmp = Path(name)
    try:
        yield tmp
        _private_to_public(name)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _writing_failed(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """A temporary folder that replaces ``path`` whole when the block succeeds: swapped in
    one step where the system can (Linux), so a kill leaves the old export or the new one."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(path)
        tmp = Path(tempfile.mkdtemp(prefix=_temporary_prefix(path), dir=path.parent))
    except OSError as exc:
        raise _writing_failed(path, exc) from None
    try:
        yield tmp
        _private_to_public(str(tmp))
        if path.exists() and _exchange(tmp, path):
            shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old export
        else:
            if path.exists():
                old = path.with_name(f"{_temporary_prefix(path)}old")
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, path)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _writing_failed(path, exc) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def _attribute_keys(scheme: CodingScheme) -> list[str]:
    keys: list[str] = []
    for category in scheme.categories:
        keys += [a.key for a in category.attributes if a.key not in keys]
    return keys


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _defused(value: Any) -> Any:
    """Excel runs a cell that starts like a formula (=HYPERLINK(…), +cmd|…): such text gets
    a leading apostrophe, which Excel shows as plain text (OWASP's advice for CSV)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(path: Path, header: list[str], rows: Iterable[Sequence[Any]],
              excel: bool) -> int:
    """RFC 4180 CSV; ``excel``: UTF-8 with BOM, and formula-looking text made harmless."""
    written = [0]

    def counted() -> Iterator[Any]:
        for written[0], row in enumerate(rows, start=1):  # noqa: B007 - the count is the point
            yield [_defused(v) for v in row] if excel else row

    with atomic_file(path, encoding="utf-8-sig" if excel else "utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(counted())
    return written[0]


def attribute_cells(scheme: CodingScheme) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A span's attributes as the spans CSV's cells, one per attribute column."""
    keys = _attribute_keys(scheme)
    return lambda attributes: tuple(_cell(attributes.get(k)) for k in keys)


def write_spans_csv(batches: Iterable[list[tuple[Any, ...]]], path: Path,
                    scheme: CodingScheme, *, excel: bool = False) -> int:
    """One row per span, as the store streams them, a list at a time (``Project.span_rows``
    with ``attribute_cells``): each attribute its own column, a link the target span's id."""
    keys = _attribute_keys(scheme)
    written = 0
    with atomic_file(path, encoding="utf-8-sig" if excel else "utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*SPAN_ROW[:11], *keys, *SPAN_ROW[12:]])
        for rows in batches:
            writer.writerows([[_defused(v) for v in row] for row in rows] if excel else rows)
            written += len(rows)
    return written


def span_json(span: Span) -> dict[str, Any]:
    return {"id": span.id, "category": span.category, "label": span.label,
            "start": span.start, "end": span.end, "text": span.text,
            "attributes": span.attributes, "created_at": span.created_at,
            "updated_at": span.updated_at, **({"memo": span.memo} if span.memo else {}),
            **({"origin": span.origin} if span.origin else {})}


_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def _line_safe(line: str) -> str:
    """JSON allows U+2028, U+2029 and NEL raw in strings, but readers that split lines on
    them (Python's splitlines, JavaScript) break the line there: escape them. (Looked for
    before they are replaced: three replaces that found nothing cost 1.4 s of a 100,000-
    article export, the three looks 0.2 s.)"""
    if "\u2028" in line or "\u2029" in line or "\x85" in line:
        for raw, escaped in _LINE_BREAKS.items():
            line = line.replace(raw, escaped)
    return line


def write_jsonl(records: Iterable[DocumentRecord], path: Path, scheme: CodingScheme) -> int:
    """One document per line with its text, metadata and every coder's spans (code point
    offsets); ``annotator import`` reads it back, spans included."""
    lines = 0
    with atomic_file(path, newline="\n") as out:
        for record in records:
            doc = record.document
            out.write(_line_safe(json.dumps({
                "format": JSONL_FORMAT, "id": doc.id, "title": doc.title, "date": doc.date,
                "outlet": doc.outlet, "url": doc.url, "source_path": doc.source_path,
                "content_hash": doc.content_hash, "metadata": doc.metadata, "text": doc.text,
                "coders": {coder: {"status": work.status.value, "variables": work.variables,
                                   "spans": [span_json(s) for s in work.spans],
                                   **({"memo": work.memo} if work.memo else {})}
                           for coder, work in record.coding.items()},
            }, ensure_ascii=False)) + "\n")
            lines += 1
    return lines


Writer = Callable[..., int]
