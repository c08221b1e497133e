"""Loading a coding scheme from YAML or JSON, with errors that name the file, line and field.

The file is parsed once into YAML nodes (JSON is YAML too), which carry line numbers; the
plain data is validated against ``schemas/coding-scheme.schema.json`` and then checked for
what a JSON Schema cannot say (unique keys and shortcuts, links to existing categories).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from annotator import paths
from annotator.domain.errors import SchemeError
from annotator.domain.scheme import CodingScheme

JsonPath = tuple[str | int, ...]

MAX_BYTES = 5_000_000  # a codebook is a few kilobytes; this is far past any real one
MAX_NODES = 200_000  # values after aliases are expanded: stops "billion laughs" at once
MAX_DEPTH = 64


def load_scheme(path: str | Path) -> CodingScheme:
    """Read, validate and build the scheme in ``path``; raise ``SchemeError`` on any fault."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SchemeError(path, f"cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise SchemeError(path, f"the file is {len(raw):,} bytes; a coding scheme is at most "
                                f"{MAX_BYTES:,}")
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SchemeError(path, "the file is not UTF-8 text", line=line) from None
    return parse_scheme(source, path)


def parse_scheme(source: str, path: str | Path = "<scheme>") -> CodingScheme:
    data, lines = _parse(source, path)
    if not isinstance(data, dict):
        raise SchemeError(path, "a coding scheme must be a mapping with name, version and "
                                "categories", line=1)
    _validate_structure(data, lines, path)
    _check_semantics(data, lines, path)
    return CodingScheme.from_dict(data)


def _parse(source: str, path: str | Path) -> tuple[Any, dict[JsonPath, int]]:
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SchemeError(path, f"syntax error: {exc.problem or exc}", line=line) from None
    except yaml.YAMLError as exc:
        raise SchemeError(path, f"syntax error: {exc}") from None
    except RecursionError:
        raise SchemeError(path, f"nested too deeply (a scheme needs at most {MAX_DEPTH} "
                                f"levels)") from None
    if node is None:
        raise SchemeError(path, "the file is empty", line=1)
    lines: dict[JsonPath, int] = {}
    builder = _Builder(path, lines)
    try:
        return builder.data(node, ()), lines
    finally:
        builder.loader.dispose()


class _Builder:
    """Plain data from YAML nodes, refusing what only a hostile or broken file holds:
    aliases that expand past ``MAX_NODES``, recursive anchors, nesting past ``MAX_DEPTH``,
    tags other than YAML's plain ones, and keys that are not scalars."""

    def __init__(self, path: str | Path, lines: dict[JsonPath, int]) -> None:
        self.path, self.lines = path, lines
        self.loader = yaml.SafeLoader("")  # builds the scalars' Python values
        self.nodes = 0
        self.open: set[int] = set()

    def fail(self, node: yaml.Node, where: JsonPath, message: str) -> SchemeError:
        return SchemeError(self.path, message, line=node.start_mark.line + 1,
                           field=_dotted(where))

    def data(self, node: yaml.Node, where: JsonPath) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(node, where, f"more than {MAX_NODES:,} values once aliases are "
                                         f"expanded; a coding scheme needs far fewer")
        if len(where) > MAX_DEPTH:
            raise self.fail(node, where, f"nested more than {MAX_DEPTH} levels deep")
        if id(node) in self.open:
            raise self.fail(node, where, "an alias refers to a value that contains it")
        self.lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            self.open.add(id(node))
            try:
                return self._collection(node, where)
            finally:
                self.open.discard(id(node))
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            raise self.fail(node, where, f"cannot read this value ({problem})") from None

    def _collection(self, node: yaml.Node, where: JsonPath) -> Any:
        if isinstance(node, yaml.SequenceNode):
            return [self.data(item, where + (i,)) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, where, "a key must be a plain word, not a list or "
                                                 "a mapping")
            key = key_node.value
            if key in result:
                raise self.fail(key_node, where + (key,), f"key {key!r} appears twice in one "
                                                          f"mapping")
            result[key] = self.data(value_node, where + (key,))
        return result


def _dotted(where: JsonPath) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _line(lines: dict[JsonPath, int], where: JsonPath) -> int | None:
    while where not in lines and where:
        where = where[:-1]
    return lines.get(where)


@cache
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(paths.scheme_json_schema().read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


_FRIENDLY_PATTERNS = {
    "colour": "is not a colour of the form '#1f77b4'",
    "shortcut": "is not a shortcut key: use one letter, one digit or F1-F12, without modifiers",
    "key": "is not a key: use lower case letters, digits and '_', starting with a letter",
}


def _message(error: jsonschema.ValidationError) -> str:
    last = error.absolute_path[-1] if error.absolute_path else None
    if error.validator == "pattern":
        name = last if isinstance(last, str) else "key"
        hint = _FRIENDLY_PATTERNS.get(name, _FRIENDLY_PATTERNS["key"])
        return f"{error.instance!r} {hint}"
    if error.validator == "enum":
        allowed = ", ".join(map(str, error.validator_value))
        return f"{error.instance!r} is not allowed here; use one of: {allowed}"
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"missing required field {missing[0]!r}" if missing else error.message
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field {extra[0]!r}" if extra else str(error.message)
    return str(error.message)


def _validate_structure(data: dict[str, Any], lines: dict[JsonPath, int],
                        path: str | Path) -> None:
    errors = sorted(_validator().iter_errors(data),
                    key=lambda e: (_line(lines, tuple(e.absolute_path)) or 0, len(e.path)))
    if not errors:
        return
    error = jsonschema.exceptions.best_match(
        [e for e in errors if _line(lines, tuple(e.absolute_path)) ==
         _line(lines, tuple(errors[0].absolute_path))])
    while error.context:  # oneOf: report the most specific branch's fault
        error = jsonschema.exceptions.best_match(error.context)
    where = tuple(error.absolute_path)
    raise SchemeError(path, _message(error), line=_line(lines, where), field=_dotted(where))


def _items(data: dict[str, Any], key: str, where: JsonPath
           ) -> Iterator[tuple[JsonPath, dict[str, Any]]]:
    for i, item in enumerate(data.get(key, ())):
        yield where + (key, i), item


def _check_semantics(data: dict[str, Any], lines: dict[JsonPath, int], path: str | Path) -> None:
    def fail(where: JsonPath, message: str) -> None:
        raise SchemeError(path, message, line=_line(lines, where), field=_dotted(where))

    def unique(entries: list[tuple[JsonPath, str]], what: str) -> None:
        seen: dict[str, JsonPath] = {}
        for where, key in entries:
            if key in seen:
                fail(where, f"{what} {key!r} is already used at line {_line(lines, seen[key])}")
            seen[key] = where

    category_keys = {c["key"] for c in data["categories"]}
    shortcuts: list[tuple[JsonPath, str]] = []
    unique([(w + ("key",), c["key"]) for w, c in _items(data, "categories", ())], "category key")
    for cw, cat in _items(data, "categories", ()):
        if "shortcut" in cat:
            shortcuts.append((cw + ("shortcut",), cat["shortcut"].upper()))
        unique([(w + ("key",), lb["key"]) for w, lb in _items(cat, "labels", cw)], "label key")
        for lw, label in _items(cat, "labels", cw):
            if "shortcut" in label:
                shortcuts.append((lw + ("shortcut",), label["shortcut"].upper()))
        unique([(w + ("key",), a["key"]) for w, a in _items(cat, "attributes", cw)],
               "attribute key")
        for aw, attr in _items(cat, "attributes", cw):
            _check_typed_field(attr, aw, fail)
            for i, target in enumerate(attr.get("targets", ())):
                if target not in category_keys:
                    fail(aw + ("targets", i), f"link target {target!r} is not a category key")
    unique(shortcuts, "shortcut")
    unique([(w + ("key",), v["key"]) for w, v in _items(data, "variables", ())], "variable key")
    for vw, var in _items(data, "variables", ()):
        _check_typed_field(var, vw, fail)


def _check_typed_field(item: dict[str, Any], where: JsonPath, fail: Any) -> None:
    kind = item["type"]
    if kind == "choice" and not item.get("options"):
        fail(where + ("type",), f"{item['key']!r} is a choice and needs 'options'")
    if kind != "choice" and "options" in item:
        fail(where + ("options",), f"'options' is only for type choice, not {kind}")
    if kind == "link" and not item.get("targets"):
        fail(where + ("type",), f"{item['key']!r} is a link and needs 'targets' (category keys)")
    if kind != "link" and "targets" in item:
        fail(where + ("targets",), f"'targets' is only for type link, not {kind}")
    option_keys = [o if isinstance(o, str) else o["key"] for o in item.get("options", ())]
    for i, key in enumerate(option_keys):
        if key in option_keys[:i]:
            fail(where + ("options", i), f"option {key!r} appears twice")
