"""The coding scheme (codebook) as frozen dataclasses, built from its plain-data form.

Loading from a file, with errors that name the line, is in ``scheme_loader``; this module
assumes data that has already been validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

ATTRIBUTE_TYPES = ("choice", "text", "number", "boolean", "link")
VARIABLE_TYPES = ("choice", "text", "number", "boolean", "date")
LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Option:
    key: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class AttributeDef:
    key: str
    name: str
    type: str
    description: str = ""
    options: tuple[Option, ...] = ()
    targets: tuple[str, ...] = ()
    renamed_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Label:
    key: str
    name: str
    description: str = ""
    shortcut: str | None = None
    renamed_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    colour: str
    shortcut: str | None = None
    description: str = ""
    labels: tuple[Label, ...] = ()
    attributes: tuple[AttributeDef, ...] = ()
    renamed_from: tuple[str, ...] = ()

    def label(self, key: str | None) -> Label | None:
        return next((lb for lb in self.labels if lb.key == key), None)

    def attribute(self, key: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.key == key), None)


@dataclass(frozen=True)
class VariableDef:
    key: str
    name: str
    type: str
    description: str = ""
    options: tuple[Option, ...] = ()
    level: str = "nominal"
    renamed_from: tuple[str, ...] = ()
    # where a coder's value starts from when they begin a document: "outlet", "date",
    # "title", "url" or "metadata:KEY" (an imported field); None: empty
    default_from: str | None = None

    def default(self, fields: dict[str, Any]) -> Any:
        """This variable's value from a document's imported ``fields`` (title, date,
        outlet, url and metadata), if it declares one and the value fits its type: a
        choice's option by name or key, a number, an ISO date, text; else None."""
        if not self.default_from:
            return None
        source, _, key = self.default_from.partition(":")
        raw = (fields.get("metadata") or {}).get(key) if source == "metadata" \
            else fields.get(source)
        if raw is None or str(raw).strip() == "":
            return None
        text = str(raw).strip()
        if self.type == "choice":
            return next((o.key for o in self.options
                         if text.lower() in (o.key.lower(), o.name.lower())), None)
        if self.type == "number":
            try:
                return float(text.replace(",", "")) if "." in text else int(text.replace(",", ""))
            except ValueError:
                return None
        if self.type == "date":
            return text if _ISO_DATE.fullmatch(text) else None
        if self.type == "boolean":
            return {"true": True, "yes": True, "false": False, "no": False}.get(text.lower())
        return text


@dataclass(frozen=True)
class CodingScheme:
    name: str
    version: int
    categories: tuple[Category, ...]
    variables: tuple[VariableDef, ...] = ()
    description: str = ""
    data: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def _categories_by_key(self) -> dict[str, Category]:
        return {c.key: c for c in self.categories}

    def category(self, key: str) -> Category | None:
        return self._categories_by_key.get(key)

    def variable(self, key: str) -> VariableDef | None:
        return next((v for v in self.variables if v.key == key), None)

    def shortcuts(self) -> dict[str, tuple[Category, Label | None]]:
        """Every shortcut key (upper case) → the category, and label if it is a label's."""
        keys: dict[str, tuple[Category, Label | None]] = {}
        for cat in self.categories:
            if cat.shortcut:
                keys[cat.shortcut.upper()] = (cat, None)
            for lab in cat.labels:
                if lab.shortcut:
                    keys[lab.shortcut.upper()] = (cat, lab)
        return keys

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CodingScheme:
        return cls(
            name=data["name"],
            version=int(data["version"]),
            description=data.get("description", ""),
            categories=tuple(_category(c) for c in data["categories"]),
            variables=tuple(_variable(v) for v in data.get("variables", ())),
            data=data,
        )


def _options(raw: list[Any] | None) -> tuple[Option, ...]:
    result = []
    for item in raw or ():
        if isinstance(item, str):
            result.append(Option(item, item.replace("_", " ").capitalize()))
        else:
            result.append(Option(item["key"], item.get("name") or item["key"],
                                 item.get("description", "")))
    return tuple(result)


def _category(c: dict[str, Any]) -> Category:
    return Category(
        key=c["key"], name=c["name"], colour=c["colour"].lower(), shortcut=c.get("shortcut"),
        description=c.get("description", "").strip(),
        labels=tuple(
            Label(lb["key"], lb.get("name") or lb["key"], lb.get("description", ""),
                  lb.get("shortcut"), tuple(lb.get("renamed_from", ())))
            for lb in c.get("labels", ())
        ),
        attributes=tuple(
            AttributeDef(a["key"], a.get("name") or a["key"], a["type"], a.get("description", ""),
                         _options(a.get("options")), tuple(a.get("targets", ())),
                         tuple(a.get("renamed_from", ())))
            for a in c.get("attributes", ())
        ),
        renamed_from=tuple(c.get("renamed_from", ())),
    )


def _variable(v: dict[str, Any]) -> VariableDef:
    default_level = "interval" if v["type"] in ("number", "date") else "nominal"
    return VariableDef(
        key=v["key"], name=v.get("name") or v["key"], type=v["type"],
        description=v.get("description", ""), options=_options(v.get("options")),
        level=v.get("level", default_level), renamed_from=tuple(v.get("renamed_from", ())),
        default_from=v.get("default_from"),
    )
