"""Two publications are not one (#24): the same text printed by another outlet, or on
another day, is a unit of its own in a content analysis. An import skips only what the
project holds already (the same text, outlet and date); the same text elsewhere comes in,
the summary names it with its twin, and the near-duplicate finder groups the two."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.domain.model import NewDocument
from annotator.domain.scheme_loader import load_scheme
from annotator.domain.text import content_hash, publication_key
from annotator.paths import default_scheme_path
from annotator.services import actions, duplicates
from annotator.storage import Project
from annotator.storage.sqlite import database
from annotator.storage.sqlite.check import check_project
from tests.conftest import ROOT, run_cli

STORY = "MOSCOW (AP) — Lavrov said the talks would go on.\n\nNATO did not answer."
LEXISNEXIS = ROOT / "tests" / "data" / "lexisnexis"


@pytest.mark.contract
def test_the_same_text_elsewhere_is_imported_and_named_with_its_twin(
        empty_project: Project) -> None:
    result = empty_project.import_documents([
        NewDocument(text=STORY, title="Talks", outlet="The Guardian", date="2022-01-10"),
        NewDocument(text=STORY, title="Talks", outlet="Sunday Mirror", date="2022-01-10"),
        NewDocument(text=STORY, title="Talks", outlet="The Guardian", date="2022-01-11"),
        NewDocument(text=STORY, title="Again", outlet="The Guardian", date="2022-01-10"),
        NewDocument(text=STORY, title="Undated"),
    ])
    first, mirror, next_day, undated = result.document_ids
    assert (result.added, result.duplicates) == (4, 1)
    assert result.skipped == [(3, first)]  # same text, outlet and date: already there
    assert result.twins == [(1, mirror, first), (2, next_day, first), (4, undated, first)]
    again = empty_project.import_documents([NewDocument(text=STORY, outlet="Sunday Mirror",
                                                        date="2022-01-10")])
    assert (again.added, again.skipped, again.twins) == (0, [(0, mirror)], [])
    assert empty_project.document(mirror).publication_key == publication_key(
        content_hash(STORY), "Sunday Mirror", "2022-01-10")
    assert empty_project.document(mirror).content_hash == content_hash(STORY)


def test_the_key_is_the_texts_hash_with_outlet_and_date() -> None:
    key = publication_key(content_hash(STORY), "The Guardian", "2022-01-10")
    assert key == NewDocument(text=STORY, outlet="The Guardian", date="2022-01-10"
                              ).publication_key
    assert len({key, publication_key(content_hash(STORY), "The Guardian", None),
                publication_key(content_hash(STORY), None, "2022-01-10"),
                publication_key(content_hash(STORY), "The Guardian\x1f2022", "01-10")}) == 4


def test_a_lexisnexis_txt_and_docx_of_other_outlets_keep_both_printings(
        tmp_path: Path) -> None:
    """The issue's case: LexisNexisTools' .TXT and .DOCX samples share two texts, printed by
    Guardian.com and Sunday Mirror in one and by other outlets or days in the other."""
    with actions.new_project(tmp_path / "p.annotator") as project:
        result = actions.import_paths(project, [LEXISNEXIS / "sample.TXT",
                                                LEXISNEXIS / "sample.DOCX"])
        assert (result.added, result.duplicates) == (20, 0)
        txt, docx = result.files
        assert (docx.found, docx.imported, docx.duplicates, docx.twins) == (10, 10, 0, 2)
        said = [n for n in docx.notes if "same text as document" in n]
        assert len(said) == 2 and all("a publication of its own" in n for n in said), said
        assert "Guardian.com, 2010-01-11" in " ".join(said)
        twins = {(new, old) for _, new, old in result.twins}
        groups = duplicates.find(project)
        pairs = {tuple(sorted(m.id for m in g.members)) for g in groups}
        assert {tuple(sorted(p)) for p in twins} <= pairs
        for new, old in twins:
            a, b = project.document(new), project.document(old)
            assert a.text == b.text and (a.outlet, a.date) != (b.outlet, b.date)


def test_dry_run_marks_the_same_text_elsewhere(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with actions.new_project(path) as project:
        actions.import_paths(project, [LEXISNEXIS / "sample.TXT"])
    code, out, err = run_cli("import", str(path), str(LEXISNEXIS / "sample.DOCX"),
                             "--dry-run")
    assert code == 0, err
    assert "2 with the same text as a document in the project" in out, out
    assert sum(line.startswith(" ≈") for line in out.splitlines()) == 2, out


@pytest.mark.sqlite_only  # the server's migration: test_postgres.py
def test_a_version_9_project_gets_its_publication_keys(tmp_path: Path) -> None:
    path = tmp_path / "v9.annotator"
    db = database.connect(path, new=True)
    database.migrate(db, path, target=9)
    for n, (outlet, date) in enumerate([("The Guardian", "2022-01-10"), (None, None)]):
        text = f"{STORY} {n}"
        db.execute("INSERT INTO documents (content_hash, title, date, outlet, text, length, "
                   "imported_at) VALUES (?, 'T', ?, ?, ?, ?, 'x')",
                   [content_hash(text), date, outlet, text, len(text)])
    db.execute("INSERT INTO coding_schemes (name, version, definition, applied_at) "
               "VALUES ('s', 1, ?, 'x')", [json.dumps(load_scheme(default_scheme_path()).data)])
    db.close()
    with Project.open(path) as project:
        docs = [project.document(i) for i in project.all_document_ids()]
        stored = [r[0] for r in project.db.execute(
            "SELECT publication_key FROM documents ORDER BY id")]
        assert stored == [d.publication_key for d in docs]
        assert [d.content_hash for d in docs] == [content_hash(d.text) for d in docs]
        added = project.import_documents([NewDocument(text=docs[0].text, outlet="Other")])
        assert (added.added, added.twins[0][2]) == (1, docs[0].id)
        with pytest.raises(sqlite3.IntegrityError):  # the key stays unique
            project.db.execute("UPDATE documents SET publication_key = ? WHERE id = 2",
                               [docs[0].publication_key])
    assert check_project(path) == []


def test_check_names_a_document_whose_outlet_was_changed_outside_annotator(
        tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with actions.new_project(path) as project:
        project.import_documents([NewDocument(text=STORY, outlet="The Guardian")])
    assert check_project(path) == []
    conn = sqlite3.connect(path)
    conn.execute("UPDATE documents SET outlet = 'Sunday Mirror'")  # as a script might
    conn.commit()
    conn.close()
    assert [str(p) for p in check_project(path)] == [
        "documents 1: its outlet or date does not match its publication key (changed "
        "outside annotator)"]


@pytest.mark.contract
def test_a_publication_twice_across_batches_is_stored_once(empty_project: Project) -> None:
    """#28 inserts a batch of 500 at once and looks its ids up by key: a publication in an
    earlier batch, or earlier in the same batch, is skipped and named by its first id."""
    texts = [f"Article {i}: Lavrov said the talks would go on." for i in range(1_000)]
    documents = [NewDocument(text=t, title=f"A{i}") for i, t in enumerate(texts)]
    documents.insert(700, NewDocument(text=texts[100], title="again, a batch later"))
    documents.insert(710, NewDocument(text=texts[705], title="again, the same batch"))
    result = empty_project.import_documents(documents)
    assert (result.added, result.duplicates) == (1_000, 2)
    ids = result.document_ids
    assert ids == sorted(ids) and len(set(ids)) == 1_000
    assert result.skipped == [(700, ids[100]), (710, ids[705])]
    assert [empty_project.document(i).title for i in (ids[100], ids[705])] == ["A100", "A705"]
