"""annotator ↔ QualCoder, the leading free QDA tool, through REFI-QDA (.qdpx).

Our export is read by ``tests/qualcoder_reader.py``, which behaves as QualCoder's own import
does (see its docstring for what it keeps of QualCoder's behaviour). QualCoder's export is
written here as QualCoder writes it: a selection's ``name`` is its text, its positions are
what Qt's text editor counted (UTF-16 units: an emoji counts two).
"""

from __future__ import annotations

import html
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annotator.domain.text import OffsetMap
from annotator.services import actions
from annotator.storage import Project
from tests.qualcoder_reader import read_as_qualcoder
from tests.unit.test_clients import hard  # noqa: F401  (the fixture: hard texts, four coders)

_CODE_NAMES = {"speaker": "Speaker", "demand": "Demand", "accusation": "Accusation"}


def _code_name(project: Project, category: str, label: str | None) -> str:
    found = project.scheme.category(category)
    assert found is not None
    if label:
        return next(lb.name for lb in found.labels if lb.key == label)
    return found.name


def test_our_qdpx_loads_in_qualcoder_with_sources_codes_codings_and_variables(
        hard: Project, tmp_path: Path) -> None:  # noqa: F811
    """QualCoder stopped with AttributeError on our notes (no creationDateTime) after the
    codings, so cases, variables and notes never arrived. Now every part loads."""
    path = tmp_path / "hard.qdpx"
    actions.export(hard, "qdpx", path)
    imported = read_as_qualcoder(path)  # raises as QualCoder would
    assert imported.messages == []
    assert len(imported.sources) == hard.document_count()
    expected = sorted((s.coder, _code_name(hard, s.category, s.label), s.text)
                      for s in hard.iter_spans())
    assert sorted((c.owner, c.code, c.text) for c in imported.codings) == expected
    assert all(c.date[:4].isdigit() for c in imported.codings)
    # every document's variables arrive as the file's attributes, each on its own source
    for doc_id, name in zip(hard.all_document_ids(), imported.sources, strict=True):
        doc = hard.document(doc_id)
        assert imported.sources[name] == doc.text
        attributes = imported.file_attributes[name]
        if doc.date:
            assert attributes["date"] == doc.date
        for _, coder, key, value in (v for v in hard.all_variables() if v[0] == doc_id):
            shown = attributes[f"{key} ({coder})"]
            assert shown is not None and (shown == str(value) or key in ("tone",)
                                          or shown in ("true", "false"))
    assert imported.cases == {}  # nameless cases: variables of the file, not cases of their own


def test_crlf_export_is_for_maxqda_not_qualcoder(hard: Project, tmp_path: Path) -> None:  # noqa: F811
    """What README says of the two line endings, measured: QualCoder adds a space after
    every line break of a CRLF text, so a coding spanning a break gets a space that is not
    in the article; from the LF export (the default) every coding is its span's text."""
    spans = {s.id: s for s in hard.iter_spans()}
    lf, crlf = tmp_path / "lf.qdpx", tmp_path / "crlf.qdpx"
    actions.export(hard, "qdpx", lf)
    actions.export(hard, "qdpx", crlf, line_endings="crlf")
    texts = sorted(s.text for s in spans.values())
    assert sorted(c.text for c in read_as_qualcoder(lf).codings) == texts
    from_crlf = read_as_qualcoder(crlf)
    wrong = sum(a != b for a, b in zip(sorted(c.text for c in from_crlf.codings), texts,
                                       strict=True))
    breaks = sum("\n" in s.text for s in spans.values())
    assert breaks and wrong >= breaks  # each coding across a line break differs
    assert any("\n " in text for text in from_crlf.sources.values())


def _qualcoder_export(path: Path, text: str, selections: list[tuple[int, int, str, str]],
                      crlf: bool = False) -> None:
    """A .qdpx as QualCoder writes one: positions as given, ``name`` the coded text."""
    users = '<Users><User guid="a0000000-0000-0000-0000-000000000001" name="ana"/></Users>'
    codes = "".join(f'<Code guid="c0000000-0000-0000-0000-00000000000{n}" name="{name}" '
                    f'isCodable="true"/>' for n, name in enumerate(_CODE_NAMES.values()))
    guid_of = {key: f"c0000000-0000-0000-0000-00000000000{n}"
               for n, key in enumerate(_CODE_NAMES)}
    body = "".join(
        f'<PlainTextSelection guid="e0000000-0000-0000-0000-{k:012d}" startPosition="{s}" '
        f'endPosition="{e}" name="{html.escape(name)}" '
        f'creatingUser="a0000000-0000-0000-0000-000000000001" '
        f'creationDateTime="2024-05-01T10:00:00Z"><Coding '
        f'guid="f0000000-0000-0000-0000-{k:012d}" '
        f'creatingUser="a0000000-0000-0000-0000-000000000001"><CodeRef '
        f'targetGUID="{guid_of[category]}"/></Coding></PlainTextSelection>'
        for k, (s, e, category, name) in enumerate(selections))
    source = "d0000000-0000-0000-0000-000000000001"
    qde = (f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="qc" origin="QualCoder 3.6">{users}<CodeBook><Codes>{codes}</Codes>'
           f'</CodeBook><Sources><TextSource guid="{source}" name="article.txt" '
           f'plainTextPath="internal://{source}.txt">{body}</TextSource></Sources></Project>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"Sources/{source}.txt",
                         (text.replace("\n", "\r\n") if crlf else text).encode("utf-8"))


NEWS = ("Kremlin 🇷🇺 says 👍🏽 talks over.\nPeskov told reporters that NATO 😀 ignored "
        "Russia.\nCafe\u0301 owner: Lavrov 🙂 met Stoltenberg.")
CODED = [("Peskov", "speaker"), ("NATO", "speaker"), ("Russia", "demand"), ("Lavrov", "speaker"),
         ("Stoltenberg", "speaker"), ("talks over", "accusation")]


def _utf16(text: str, word: str) -> tuple[int, int]:
    at, units = text.index(word), OffsetMap(text)
    return units.to_utf16(at), units.to_utf16(at + len(word))


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_qualcoder_positions_in_utf16_units_come_in_at_their_text(
        tmp_path: Path, empty_project: Project, crlf: bool) -> None:
    """Before: after an emoji every position pointed too far ("Peskov" became "ov to");
    now each selection comes in where its name says, and the repair is counted."""
    path = tmp_path / "qualcoder.qdpx"
    _qualcoder_export(path, NEWS, [(*_utf16(NEWS, w), c, w) for w, c in CODED], crlf=crlf)
    result = actions.import_paths(empty_project, [path])
    assert sorted(s.text for s in empty_project.iter_spans()) == sorted(w for w, _ in CODED)
    assert any("in UTF-16 units" in note and "moved" in note for note in result.notes), \
        result.notes


def test_a_selection_whose_name_matches_no_reading_is_named_not_hidden(
        tmp_path: Path, empty_project: Project) -> None:
    path = tmp_path / "odd.qdpx"
    at = NEWS.index("Peskov")
    _qualcoder_export(path, NEWS, [(at, at + 6, "speaker", "Medvedev")])
    result = actions.import_paths(empty_project, [path])
    assert [s.text for s in empty_project.iter_spans()] == ["Peskov"]  # where it says
    assert len(result.notes) == 1 and "'Medvedev' is not the text" in result.notes[0]
    code, out, err = _cli("import", str(empty_project.location), str(path), "--dry-run")
    assert code == 0 and "note:" in out and "Medvedev" in out


def _cli(*args: str) -> tuple[int, str, str]:
    proc = subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True,
                          text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr
