"""Near-duplicate documents: shingles, the sketch, banding, exact checking, grouping, the
project's side (remove, restore, mark) and ``annotator duplicates``."""

from __future__ import annotations

import json
import random
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from annotator.domain.errors import Cancelled, ProjectError
from annotator.domain.model import NewDocument, Status
from annotator.domain.near_duplicates import (
    banding,
    find_near_duplicates,
    jaccard,
    shingles,
    sketch,
)
from annotator.services import duplicates
from tests.conftest import run_cli

pytestmark = pytest.mark.contract  # runs on SQLite and on PostgreSQL

WORDS = [f"w{i}" for i in range(3000)] + ["Putin", "NATO", "Stoltenberg", "Kyiv", "😀"]


def _article(rng: random.Random, n: int = 400) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _edited(rng: random.Random, text: str, edits: int) -> str:
    words = text.split()
    for _ in range(edits):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def _corpus(n: int = 300, copies: int = 40, seed: int = 5) -> dict[int, str]:
    rng = random.Random(seed)
    docs = {i: _article(rng) for i in range(1, n + 1)}
    for i in range(n + 1, n + copies + 1):
        docs[i] = _edited(rng, docs[rng.randint(1, n)], rng.randint(0, 12))
    return docs


def _reader(docs: dict[int, str]):  # type: ignore[no-untyped-def]
    return lambda ids: ((i, docs[i]) for i in (sorted(docs) if ids is None else ids))


def test_shingles_are_case_folded_word_five_grams() -> None:
    a = shingles("Putin said that NATO must stop. Stoltenberg replied")
    assert a.dtype == np.uint64 and a.size == 4  # 8 words → 4 five-word shingles
    assert np.array_equal(a, shingles("PUTIN said, that nato must stop; Stoltenberg  replied"))
    assert shingles("three short words").size == 1
    assert shingles("  ... !!! ").size == 0
    assert np.all(np.diff(a.astype(np.float64)) != 0) and np.array_equal(a, np.sort(a))


def test_jaccard_is_exact() -> None:
    a = np.array([1, 2, 3, 4], dtype=np.uint64)
    b = np.array([3, 4, 5], dtype=np.uint64)
    assert jaccard(a, b) == 2 / 5
    assert jaccard(a, a) == 1.0


def test_the_sketch_agrees_in_as_many_bins_as_the_jaccard_says() -> None:
    """MinHash's promise (Broder 1997): P[bin equal] = J. Averaged over many pairs at J≈0.8,
    the share of equal bins is within 0.02 of the exact similarity."""
    rng = random.Random(2)
    shares, exact = [], []
    for _ in range(200):
        base = _article(rng, 300)
        copy = _edited(rng, base, 6)
        a, b = shingles(base), shingles(copy)
        shares.append(float(np.mean(sketch(a) == sketch(b))))
        exact.append(jaccard(a, b))
    assert abs(np.mean(shares) - np.mean(exact)) < 0.02
    short = shingles("only a few words here and there")  # most bins empty, then filled
    assert sketch(short).size == 128 and np.all(sketch(short) != np.uint64(2**64 - 1))


def test_banding_keeps_a_pair_at_the_threshold_with_high_probability() -> None:
    for threshold in (0.5, 0.7, 0.8, 0.9, 0.95):
        bands, rows = banding(threshold)
        assert bands * rows <= 128
        assert 1 - (1 - threshold ** rows) ** bands >= 0.999
    assert banding(0.9) == (16, 8)


def test_found_pairs_equal_an_exact_all_pairs_comparison() -> None:
    docs = _corpus()
    sets = {i: shingles(t) for i, t in docs.items()}
    exact = {(a, b) for a, b in combinations(sorted(docs), 2)
             if jaccard(sets[a], sets[b]) >= 0.8}
    groups = find_near_duplicates(_reader(docs), 0.8)
    found = {(p.first, p.second) for g in groups for p in g.pairs}
    assert exact and found == exact
    for g in groups:
        for p in g.pairs:
            assert p.similarity == round(jaccard(sets[p.first], sets[p.second]), 4)
        assert list(g.members) == sorted(g.members)


def test_groups_are_connected_components() -> None:
    rng = random.Random(9)
    base = _article(rng, 600)
    one = _edited(rng, base, 4)
    two = _edited(rng, one, 4)  # maybe below the threshold to base, but linked by one
    docs = {1: base, 2: _article(rng), 3: one, 4: two, 5: _article(rng)}
    groups = find_near_duplicates(_reader(docs), 0.9, total=2)  # too low: the sketches grow
    assert [g.members for g in groups] == [(1, 3, 4)]


def test_cancel_and_bad_threshold() -> None:
    docs = _corpus(600, 0)
    with pytest.raises(Cancelled):
        find_near_duplicates(_reader(docs), 0.9, cancelled=lambda: True)
    with pytest.raises(ValueError, match="between 0 and 1"):
        find_near_duplicates(_reader(docs), 1.5)
    seen: list[tuple[int, int]] = []
    find_near_duplicates(_reader(docs), 0.9, total=600,
                         progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (500, 600) and seen[-1] == (600, 600)


def _project_with_copies(empty_project):  # type: ignore[no-untyped-def]
    rng = random.Random(4)
    texts = [_article(rng) for _ in range(6)]
    copies = [_edited(rng, texts[0], 2), _edited(rng, texts[0], 3), _edited(rng, texts[1], 2)]
    dates = [f"2024-01-0{i + 1}" for i in range(9)]
    empty_project.import_documents(
        NewDocument(t, title=f"t{i}", date=dates[8 - i], outlet=f"o{i}")
        for i, t in enumerate(texts + copies))
    return empty_project  # 1 ~ 7 ~ 8, 2 ~ 9


def test_keep_one_removes_the_others_but_never_worked_on_documents(empty_project) -> None:  # type: ignore[no-untyped-def]
    project = _project_with_copies(empty_project)
    groups = duplicates.find(project, 0.9)
    assert [[m.id for m in g.members] for g in groups] == [[1, 7, 8], [2, 9]]
    assert [set(g.keep) for g in groups] == [{8}, {9}]  # the earliest dated
    project.set_status(7, "ana", Status.IN_PROGRESS)
    groups = duplicates.find(project, 0.9)
    assert [set(g.keep) for g in groups] == [{7}, {9}]  # worked on beats earlier
    remove = duplicates.removable(groups, {1: {1}})  # the coordinator keeps 1 instead
    assert remove == [2, 8]  # 7 has work: kept as well
    with pytest.raises(ProjectError, match="documents 7 are coded or assigned"):
        project.remove_documents([7, 8])
    assert project.document_count() == 9  # nothing removed
    rows = project.remove_documents(remove)
    assert project.all_document_ids() == [1, 3, 4, 5, 6, 7, 9]
    assert project.document_ids(search="t1") == []  # gone from the text index too
    project.restore_documents(rows)
    assert project.all_document_ids() == list(range(1, 10))
    assert project.document(2).title == "t1" and project.document_ids(search="t1") == [2]


def test_marking_groups_sets_and_clears_the_metadata_field(empty_project) -> None:  # type: ignore[no-untyped-def]
    project = _project_with_copies(empty_project)
    groups = duplicates.find(project, 0.9)
    before = project.set_metadata_field(duplicates.GROUP_FIELD, duplicates.marks(groups, project))
    assert before == {1: None, 7: None, 8: None, 2: None, 9: None}
    assert project.document(8).metadata == {duplicates.GROUP_FIELD: "1"}
    assert project.document(9).metadata == {duplicates.GROUP_FIELD: "2"}
    assert duplicates.GROUP_FIELD in project.metadata_keys()
    higher = duplicates.find(project, 0.99)  # no group any more: marks are cleared
    assert higher == []
    project.set_metadata_field(duplicates.GROUP_FIELD, duplicates.marks(higher, project))
    assert project.documents_with_metadata(duplicates.GROUP_FIELD) == []
    project.set_metadata_field(duplicates.GROUP_FIELD, before)  # undo puts back nothing


def test_cli_duplicates(empty_project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project = _project_with_copies(empty_project)
    path = project.location
    project.close()
    code, out, err = run_cli("duplicates", path, "--format", "json")
    rows = json.loads(out)
    assert code == 0 and [(r["group"], r["document"], r["keep"]) for r in rows] == [
        (1, 1, False), (1, 7, False), (1, 8, True), (2, 2, False), (2, 9, True)]
    assert "2 groups of near-duplicates (5 documents, similarity ≥ 0.9)" in err
    code, out, _ = run_cli("duplicates", path, "--mark")
    assert code == 0 and "marked in the metadata field 'near_duplicate_group'" in out
    code, out, _ = run_cli("duplicates", path, "--keep-one")
    assert code == 0 and "removed 3, kept one per group" in out
    assert "  removed       1" in out and "  keep          8" in out
    code, out, _ = run_cli("info", path, "--json")
    assert json.loads(out)["documents"] == 6
    code, _, err = run_cli("duplicates", path, "--threshold", "0")
    assert code == 1 and "between 0 and 1" in err


def test_the_work_check_holds_the_write_lock(empty_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Checked before the transaction, a coder in another window could code a document
    between the check and the delete, and the cascade would take their span with it."""
    project = _project_with_copies(empty_project)
    seen: list[bool] = []
    check = type(project).documents_with_work

    def spy(self, ids):  # type: ignore[no-untyped-def]
        seen.append(self.db.in_transaction)
        return check(self, ids)

    monkeypatch.setattr(type(project), "documents_with_work", spy)
    project.remove_documents([2])
    assert seen == [True]
