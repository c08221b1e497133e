"""Coding schemes: the bundled one loads; every kind of fault names file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from annotator.domain.errors import SchemeError
from annotator.domain.scheme_loader import load_scheme, parse_scheme
from annotator.storage import Project
from tests.conftest import DEFAULT_SCHEME

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

MINIMAL = """\
name: Test
version: 1
categories:
  - key: speaker
    name: Speaker
    colour: "#112233"
    shortcut: S
    labels:
      - key: quoted
        shortcut: "1"
    attributes:
      - key: actor
        type: choice
        options: [putin, biden]
  - key: demand
    name: Demand
    colour: "#445566"
    shortcut: D
variables:
  - key: tone
    type: choice
    options: [negative, positive]
"""


def test_bundled_scheme_fits_the_seeds() -> None:
    scheme = load_scheme(DEFAULT_SCHEME)
    assert [c.key for c in scheme.categories] == ["speaker", "demand", "accusation",
                                                  "source_outlet"]
    actors = [o.key for o in scheme.category("speaker").attribute("actor").options]
    assert actors == ["putin", "biden", "stoltenberg", "kremlin", "lavrov", "macron",
                      "zelensky", "other"]
    assert scheme.category("accusation").attribute("accuser").targets == ("speaker",)
    assert {"no_nato_expansion", "legally_binding_guarantees", "no_offensive_weapons",
            "roll_back_deployments"} <= {lb.key for lb in scheme.category("demand").labels}
    assert scheme.variable("outlet") is not None and scheme.variable("tone").level == "ordinal"
    assert all(c.description for c in scheme.categories)


def test_json_scheme_loads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(yaml.safe_load(MINIMAL), indent=2))
    assert load_scheme(path).categories == parse_scheme(MINIMAL).categories


def _error(text: str) -> SchemeError:
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "team.yaml")
    return info.value


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        ('    shortcut: D\n', '    shortcut: S\n', 18, "categories[1].shortcut",
         "shortcut 'S' is already used at line 7"),
        ('        type: choice\n        options: [putin, biden]\n', '        type: colour\n',
         13, "categories[0].attributes[0].type", "'colour' is not allowed here"),
        ('    colour: "#445566"\n', '    colour: blue\n', 17, "categories[1].colour",
         "'blue' is not a colour"),
        ('    name: Demand\n', '', 15, "categories[1]", "missing required field 'name'"),
        ('    colour: "#445566"\n', '    colour: "#445566"\n    color: red\n', 15,
         "categories[1]", "unknown field 'color'"),
        ('  - key: demand\n', '  - key: speaker\n', 15, "categories[1].key",
         "category key 'speaker' is already used at line 4"),
        ('        options: [putin, biden]\n', '        options: [putin, putin]\n', 14,
         "categories[0].attributes[0].options[1]", "option 'putin' appears twice"),
        ('        shortcut: "1"\n', '        shortcut: Ctrl+1\n', 10,
         "categories[0].labels[0].shortcut", "is not a shortcut key"),
    ],
)
def test_each_fault_names_line_and_field(old: str, new: str, line: int, field: str,
                                         message: str) -> None:
    assert old in MINIMAL
    error = _error(MINIMAL.replace(old, new, 1))
    assert (error.path, error.line, error.field) == ("team.yaml", line, field)
    assert message in error.reason
    assert str(error).startswith(f"team.yaml, line {line}, field {field}: ")


def test_yaml_syntax_error_names_the_line() -> None:
    error = _error(MINIMAL.replace("    name: Demand\n", "    name: [Demand\n"))
    assert error.line is not None and 15 <= error.line <= 17
    assert "syntax error" in error.reason


def test_duplicate_mapping_key() -> None:
    error = _error(MINIMAL.replace("version: 1\n", "version: 1\nversion: 2\n"))
    assert (error.line, error.field) == (3, "version")


def test_link_needs_existing_target() -> None:
    text = MINIMAL.replace("        options: [putin, biden]\n",
                           "        options: [putin, biden]\n      - key: who\n"
                           "        type: link\n        targets: [weather]\n")
    error = _error(text)
    assert error.field == "categories[0].attributes[1].targets[0]"
    assert error.line == 17


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="cannot read"):
        load_scheme(tmp_path / "missing.yaml")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(MINIMAL.replace("Test", "Tést").encode("latin-1"))
    with pytest.raises(SchemeError, match="not UTF-8") as info:
        load_scheme(bad)
    assert info.value.line == 1


def test_apply_maps_renames_and_refuses_orphans(empty_project: Project, tmp_path: Path) -> None:
    from annotator.domain.model import NewDocument

    project = empty_project
    project.import_documents([NewDocument(text="Putin demanded guarantees.")])
    scheme = project.scheme
    speaker = project.add_span(1, "ana", "speaker", 0, 5, attributes={"actor": "putin"})
    project.add_span(1, "ana", "demand", 15, 25, label="legally_binding_guarantees")
    project.set_variable(1, "ana", "tone", "negative")

    data = json.loads(json.dumps(scheme.data))
    demand = next(c for c in data["categories"] if c["key"] == "demand")
    demand["key"], demand["renamed_from"] = "claim", ["demand"]
    label = next(lb for lb in demand["labels"] if lb["key"] == "legally_binding_guarantees")
    label["key"], label["renamed_from"] = "written_guarantees", ["legally_binding_guarantees"]
    speaker_def = data["categories"][0]
    speaker_def["attributes"][0]["key"] = "who"
    speaker_def["attributes"][0]["renamed_from"] = ["actor"]
    tone = next(v for v in data["variables"] if v["key"] == "tone")
    tone["key"], tone["renamed_from"] = "tonality", ["tone"]
    data["version"] = 2
    renamed = tmp_path / "v2.yaml"
    renamed.write_text(yaml.safe_dump(data, allow_unicode=True))
    plan = project.apply_scheme(load_scheme(renamed), renamed)
    assert plan.categories == {"demand": "claim"}
    spans = {s.category: s for s in project.spans(1, "ana")}
    assert spans["claim"].label == "written_guarantees"
    assert project.span(speaker.id).attributes == {"who": "putin"}
    assert project.variables(1, "ana") == {"tonality": "negative"}
    assert project.scheme.version == 2

    data["categories"] = [c for c in data["categories"] if c["key"] != "claim"]
    data["version"] = 3
    removed = tmp_path / "v3.yaml"
    removed.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(SchemeError, match=r"category 'claim' \(1 span\)") as info:
        project.apply_scheme(load_scheme(removed), removed)
    assert info.value.path == str(removed)
    assert project.scheme.version == 2 and len(project.spans(1)) == 2
