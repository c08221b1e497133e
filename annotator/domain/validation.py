"""Checking a span attribute or document variable value against its definition in the scheme."""

from __future__ import annotations

import datetime as dt
from typing import Any

from annotator.domain.errors import AnnotatorError
from annotator.domain.scheme import AttributeDef, VariableDef


def _check(definition: AttributeDef | VariableDef, value: Any) -> Any:
    kind, key = definition.type, definition.key
    if kind == "choice":
        keys = [o.key for o in definition.options]
        if value not in keys:
            raise AnnotatorError(f"{value!r} is not an option of {key!r} ({', '.join(keys)})")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise AnnotatorError(f"{key!r} takes text, not {value!r}")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise AnnotatorError(f"{key!r} takes true or false, not {value!r}")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnnotatorError(f"{key!r} takes a number, not {value!r}")
        return value
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise AnnotatorError(f"{key!r} takes a date as YYYY-MM-DD, not {value!r}") from None
    raise AnnotatorError(f"{key!r} has a type this version cannot store: {kind}")


def check_attribute(definition: AttributeDef, value: Any) -> Any:
    return _check(definition, value)


def check_variable(definition: VariableDef, value: Any) -> Any:
    return _check(definition, value)
