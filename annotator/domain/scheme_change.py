"""Planning how coded data follows a changed coding scheme.

Given what the project's spans and variable values use, and the new scheme, work out which
keys move where (``renamed_from``) and refuse the change if anything in use would be left
without a home. The storage layer carries the plan out in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from annotator.domain.errors import SchemeError
from annotator.domain.scheme import CodingScheme


@dataclass(frozen=True)
class SchemeUsage:
    """How often the project uses each key: the input to planning."""

    spans: dict[tuple[str, str | None], int] = field(default_factory=dict)  # (category, label)
    attributes: dict[tuple[str, str], int] = field(default_factory=dict)  # (category, attribute)
    variables: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class SchemeMigration:
    """Old key → new key for everything that is renamed (unchanged keys are not listed)."""

    categories: dict[str, str] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (new category, old) → new
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.categories or self.labels or self.attributes or self.variables)


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def renamed_from(self) -> tuple[str, ...]: ...


def _resolve(old: str, items: Iterable[_Keyed]) -> str | None:
    items = list(items)
    if any(i.key == old for i in items):
        return old
    return next((i.key for i in items if old in i.renamed_from), None)


def plan_change(new: CodingScheme, usage: SchemeUsage,
                source: str | Path | None = None) -> SchemeMigration:
    """The key mapping that carries ``usage`` into ``new``; ``SchemeError`` if any would orphan."""
    orphans: list[str] = []
    categories: dict[str, str] = {}
    labels: dict[tuple[str, str], str] = {}
    attributes: dict[tuple[str, str], str] = {}
    variables: dict[str, str] = {}

    def category_of(old: str) -> str | None:
        return _resolve(old, new.categories)

    for (cat_key, label_key), count in sorted(usage.spans.items(), key=str):
        target = category_of(cat_key)
        if target is None:
            orphans.append(f"category {cat_key!r} ({count} span{'s' * (count != 1)})")
            continue
        if target != cat_key:
            categories[cat_key] = target
        if label_key is None:
            continue
        category = new.category(target)
        assert category is not None
        new_label = _resolve(label_key, category.labels)
        if new_label is None:
            orphans.append(f"label {cat_key}/{label_key!r} ({count} span{'s' * (count != 1)})")
        elif new_label != label_key:
            labels[(target, label_key)] = new_label
    for (cat_key, attr_key), count in sorted(usage.attributes.items()):
        target = category_of(cat_key)
        category = new.category(target) if target else None
        if target is None or category is None:
            continue  # already reported with the category
        new_attr = _resolve(attr_key, category.attributes)
        if new_attr is None:
            orphans.append(f"attribute {cat_key}/{attr_key!r} (set on {count} span"
                           f"{'s' * (count != 1)})")
        elif new_attr != attr_key:
            attributes[(target, attr_key)] = new_attr
    for var_key, count in sorted(usage.variables.items()):
        new_var = _resolve(var_key, new.variables)
        if new_var is None:
            orphans.append(f"document variable {var_key!r} ({count} value{'s' * (count != 1)})")
        elif new_var != var_key:
            variables[var_key] = new_var
    if orphans:
        raise SchemeError(
            source, "the new scheme removes what coded data uses: " + "; ".join(orphans)
            + ". Keep these keys, or name the old key in 'renamed_from' of the item that "
            "replaces it.")
    return SchemeMigration(categories, labels, attributes, variables)
