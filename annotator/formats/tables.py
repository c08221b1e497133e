"""The document × coder table for R, SPSS, Stata and pandas: one row per document and coder,
its status, every document variable and the count of spans per category and label.

Column names are unique and stable, whatever the scheme calls things: ``doc_*`` for the
document's own fields, ``meta_*`` for imported metadata, ``var_*`` for coded variables and
``n_<category>`` / ``n_<category>__<label>`` for counts (a variable named ``outlet`` and the
document's outlet no longer collide). Every table comes with its data dictionary (column,
meaning, type, values); the SPSS and Stata files carry the same as variable and value
labels (a choice is stored as its option's number, 1, 2, … in the scheme's order).
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import CoderWork, DocumentRecord
from annotator.domain.scheme import CodingScheme, VariableDef
from annotator.formats.export import atomic_path, write_csv

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
Getter = Callable[[DocumentRecord, str, CoderWork], Any]


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    kind: str  # integer, number, text, date, choice, boolean
    get: Getter
    labels: dict[int, str] | None = None  # value labels (choice, boolean)
    codes: dict[Any, int] | None = None  # stored value → number (choice, boolean)

    @property
    def values(self) -> str:
        if self.labels:
            return "; ".join(f"{k} = {v}" for k, v in self.labels.items())
        return {"integer": "whole numbers", "date": "YYYY-MM-DD", "number": "numbers"}.get(
            self.kind, "")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _variable_value(key: str) -> Getter:
    return lambda record, coder, work: work.variables.get(key)


def _metadata_value(key: str) -> Getter:
    return lambda record, coder, work: record.document.metadata.get(key)


def _span_count(value: str) -> Getter:
    return lambda record, coder, work: w_count(work, value)


def _variable_column(variable: VariableDef) -> Column:
    name = f"var_{_safe(variable.key)}"
    meaning = f"document variable: {variable.name}" + (
        f" ({variable.description})" if variable.description else "")
    get = _variable_value(variable.key)
    if variable.type == "choice":
        codes = {o.key: i for i, o in enumerate(variable.options, start=1)}
        labels = {i: o.name for i, o in enumerate(variable.options, start=1)}
        return Column(name, meaning, "choice", get, labels, codes)
    if variable.type == "boolean":
        return Column(name, meaning, "boolean", get, {0: "no", 1: "yes"}, {False: 0, True: 1})
    kind = {"number": "number", "date": "date"}.get(variable.type, "text")
    return Column(name, meaning, kind, get)


def matrix_columns(scheme: CodingScheme, metadata_keys: Iterable[str]) -> list[Column]:
    def doc(field: str) -> Getter:
        return lambda record, coder, work: getattr(record.document, field)

    columns = [
        Column("doc_id", "the document's id in the project", "integer", doc("id")),
        Column("doc_title", "the document's title", "text", doc("title")),
        Column("doc_date", "the document's date (imported)", "date", doc("date")),
        Column("doc_outlet", "the document's outlet (imported)", "text", doc("outlet")),
        Column("doc_url", "the document's address (imported)", "text", doc("url")),
    ]
    for key in metadata_keys:
        columns.append(Column(f"meta_{_safe(key)}", f"imported metadata field {key!r}", "text",
                              _metadata_value(key)))
    statuses = {"not_started": 0, "in_progress": 1, "done": 2}
    columns += [
        Column("coder", "the coder whose work the row holds", "text",
               lambda record, coder, work: coder),
        Column("status", "the coder's status of the document", "choice",
               lambda record, coder, work: work.status.value,
               {v: k.replace("_", " ") for k, v in statuses.items()}, statuses),
    ]
    columns += [_variable_column(v) for v in scheme.variables]
    for category in scheme.categories:
        columns.append(Column(f"n_{_safe(category.key)}", f"number of {category.name} spans",
                              "integer", _span_count(category.key)))
        for label in category.labels:
            columns.append(Column(
                f"n_{_safe(category.key)}__{_safe(label.key)}",
                f"number of {category.name} spans labelled {label.name}", "integer",
                _span_count(f"{category.key}/{label.key}")))
    columns.append(Column("memo", "the coder's memo on the document", "text",
                          lambda r, c, w: w.memo or None))
    names = [c.name for c in columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:  # keys are unique in a scheme; only '-'/'.' folding to '_' can clash
        raise AnnotatorError(f"the table would have the column(s) {', '.join(duplicates)} twice")
    return columns


def w_count(work: CoderWork, key: str) -> int:
    tally = Counter(s.category for s in work.spans)
    tally.update(f"{s.category}/{s.label}" for s in work.spans if s.label)
    return tally.get(key, 0)


def _rows(records: Iterable[DocumentRecord], columns: list[Column]) -> Iterator[list[Any]]:
    for record in records:
        for coder, work in record.coding.items():
            yield [column.get(record, coder, work) for column in columns]


def dictionary_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.dictionary.csv")


def write_dictionary(path: Path, columns: list[Column], coded_as: str, excel: bool) -> None:
    write_csv(path, ["column", "meaning", "type", "values"],
              ([c.name, c.meaning, c.kind, c.values if c.codes is None or coded_as == "numbers"
                else "; ".join(c.labels.values()) if c.labels else ""] for c in columns), excel)


def write_matrix_csv(records: Iterable[DocumentRecord], path: Path, scheme: CodingScheme, *,
                     metadata_keys: Iterable[str] = (), excel: bool = False) -> int:
    """The table as CSV (choices as their keys, booleans true/false) and its dictionary."""
    columns = matrix_columns(scheme, metadata_keys)

    def cell(column: Column, value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else value

    count = write_csv(path, [c.name for c in columns],
                      ([cell(c, v) for c, v in zip(columns, row, strict=True)]
                       for row in _rows(records, columns)), excel)
    write_dictionary(dictionary_path(path), columns, "keys", excel)
    return count


def write_statistics_file(records: Iterable[DocumentRecord], path: Path, scheme: CodingScheme,
                          kind: str, *, metadata_keys: Iterable[str] = ()) -> int:
    """SPSS ``.sav`` or Stata ``.dta`` with variable and value labels (needs pyreadstat)."""
    try:
        import pandas as pd
        import pyreadstat
    except ImportError:
        raise AnnotatorError(f"SPSS and Stata files need pyreadstat and pandas, which a "
                             f"normal install brings; add them to this installation with: "
                             f"{sys.executable} -m pip install pyreadstat pandas") from None
    columns = matrix_columns(scheme, metadata_keys)
    names = _stata_names([c.name for c in columns]) if kind == "stata" else \
        [c.name[:64] for c in columns]
    data: dict[str, list[Any]] = {n: [] for n in names}
    for row in _rows(records, columns):
        for name, column, value in zip(names, columns, row, strict=True):
            if column.codes is not None:
                value = column.codes.get(value)
            elif column.kind in ("text", "date") and value is not None:
                value = str(value)
            data[name].append(value)
    for name, column in zip(names, columns, strict=True):
        if column.kind == "date":  # SPSS DATE11, Stata %td: dates a user can compute with
            data[name] = _dates(data[name])
    frame = pd.DataFrame({n: pd.Series(v, dtype=_dtype(c)) for (n, v), c
                          in zip(data.items(), columns, strict=True)})
    labels: dict[str, str | None] = {n: c.meaning[:80] for n, c in zip(names, columns,
                                                                       strict=True)}
    value_labels: dict[str, dict[int | float, str]] = {
        n: {k: v for k, v in c.labels.items()} for n, c in zip(names, columns, strict=True)
        if c.labels}
    write = pyreadstat.write_dta if kind == "stata" else pyreadstat.write_sav
    with atomic_path(path) as tmp:
        write(frame, str(tmp), column_labels=labels, variable_value_labels=value_labels)
    return len(frame)


def _dates(values: list[str | None]) -> list[Any]:
    """Dates as dates; a column with any value that is not a whole ISO date (YYYY-MM-DD)
    stays text, so no value is lost or guessed."""
    dates: list[dt.date | None] = []
    for value in values:
        if value is None:
            dates.append(None)
            continue
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            dates.append(dt.date.fromisoformat(value))
        except ValueError:
            return values
    return dates


def _dtype(column: Column) -> str:
    if column.kind in ("integer", "number", "choice", "boolean"):
        return "float64"  # missing values (a variable not coded) need NaN
    return "object"


def _stata_names(names: list[str]) -> list[str]:
    """Stata wants at most 32 characters; long names are cut and kept unique."""
    result: list[str] = []
    for name in names:
        short = name[:32]
        number = 1
        while short in result:
            number += 1
            short = f"{name[:32 - len(str(number)) - 1]}_{number}"
        result.append(short)
    return result
