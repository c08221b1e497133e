"""The project file: round trips, constraints, change notices, migrations, bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.domain.errors import ProjectError
from annotator.domain.model import Status
from annotator.domain.scheme_loader import load_scheme
from annotator.storage import Project
from annotator.storage.sqlite import database
from tests.conftest import DEFAULT_SCHEME

pytestmark = pytest.mark.contract  # every test with a project runs on SQLite and PostgreSQL


@pytest.mark.sqlite_only
def test_pragmas_and_version(project: Project) -> None:
    one = lambda sql: project.db.execute(sql).fetchone()[0]  # noqa: E731
    assert one("PRAGMA journal_mode") == "wal"
    assert one("PRAGMA synchronous") == 2  # FULL: a commit survives a power cut
    assert one("PRAGMA foreign_keys") == 1
    assert one("PRAGMA busy_timeout") >= 5000
    assert one("PRAGMA user_version") == database.LATEST_VERSION
    assert one("PRAGMA application_id") == database.APPLICATION_ID


def test_span_round_trip_survives_reopen(project: Project) -> None:
    text = project.document(1).text
    start = text.index("Kremlin")
    span = project.add_span(1, "ana", "speaker", start, start + 7, attributes={"actor": "kremlin"})
    location = project.location
    project.close()
    with Project.open(location) as again:
        (stored,) = again.spans(1, "ana")
        assert stored == span
        assert stored.text == "Kremlin"
        assert again.status(1, "ana") is Status.IN_PROGRESS


def test_span_must_lie_inside_document(project: Project) -> None:
    length = len(project.document(1).text)
    with pytest.raises(ProjectError, match="does not lie inside"):
        project.add_span(1, "ana", "speaker", length - 2, length + 1)
    with pytest.raises(ProjectError):
        project.add_span(1, "ana", "speaker", 5, 5)
    assert project.spans(1) == []


def test_database_constraints_hold_without_our_checks(project: Project) -> None:
    """Even SQL written by hand (the sqlite3 shell, psql, a script) cannot store a wrong
    span."""
    coder = project._coder_id("ana")
    insert = ("INSERT INTO spans (id, document_id, coder_id, category, start_offset, end_offset, "
              "text, created_at, updated_at) VALUES (?, 1, ?, 'speaker', ?, ?, ?, 'x', 'x')")
    refused = (sqlite3.IntegrityError if project.db.sql.name == "sqlite"
               else project.db.errors)  # psycopg's CheckViolation and kin
    with pytest.raises(refused):
        project.db.execute(insert, ["a", coder, 3, 2, ""])  # start >= end
    with pytest.raises(refused):
        project.db.execute(insert, ["b", coder, 0, 3, "XYZ"])  # text does not match
    with pytest.raises(refused):
        project.db.execute(insert, ["c", coder, 0, 10**7, "x"])  # past the end
    with pytest.raises(refused):
        project.db.execute("INSERT INTO document_status VALUES (1, ?, 'finished', 'x')", [coder])


def test_values_are_checked_against_the_scheme(project: Project) -> None:
    with pytest.raises(ProjectError, match="not in the coding scheme"):
        project.add_span(1, "ana", "weather", 0, 3)
    with pytest.raises(ProjectError, match="not a label"):
        project.add_span(1, "ana", "demand", 0, 3, label="world_peace")
    with pytest.raises(Exception, match="not an option"):
        project.add_span(1, "ana", "speaker", 0, 3, attributes={"actor": "napoleon"})
    speaker = project.add_span(1, "ana", "source_outlet", 0, 3)
    with pytest.raises(ProjectError, match="only to speaker"):
        project.add_span(1, "ana", "accusation", 4, 9, attributes={"accuser": speaker.id})
    with pytest.raises(Exception, match="takes true or false"):
        project.set_variable(1, "ana", "ukraine_mentioned", "yes")
    project.set_variable(1, "ana", "tone", "negative")
    assert project.variables(1, "ana") == {"tone": "negative"}


def test_changes_are_announced_after_commit(project: Project) -> None:
    seen = []
    project.subscribe(seen.append)
    span = project.add_span(2, "ana", "speaker", 0, 6)
    project.update_span(span.id, end=10)
    project.delete_span(span.id)
    with pytest.raises(ProjectError):
        project.add_span(2, "ana", "speaker", 0, 10**6)
    assert [c.kind for c in seen] == ["span_added", "span_changed", "span_removed"]


def test_delete_and_restore_keeps_links(project: Project) -> None:
    speaker = project.add_span(1, "ana", "speaker", 0, 3)
    accusation = project.add_span(1, "ana", "accusation", 4, 9, attributes={"accuser": speaker.id})
    deleted = project.delete_span(speaker.id)
    assert "accuser" not in project.span(accusation.id).attributes
    project.restore_span(deleted)
    assert project.span(accusation.id).attributes["accuser"] == speaker.id
    assert project.span(speaker.id) == speaker


def test_status_counts(project: Project) -> None:
    project.set_status(1, "ana", Status.DONE)
    project.set_status(2, "ana", Status.IN_PROGRESS)
    counts = project.status_counts("ana")
    assert counts == {Status.DONE: 1, Status.IN_PROGRESS: 1, Status.NOT_STARTED: 3}
    assert project.document_ids("ana", status=Status.DONE) == [1]
    assert project.document_ids("ana", status=Status.NOT_STARTED) == [3, 4, 5]


def test_document_ids_filter_and_sort(project: Project) -> None:
    assert project.document_ids(search="LibertyRevolution") == [4]
    assert project.document_ids(search="100%") == []  # LIKE wildcards are escaped
    by_date = project.document_ids(sort="date")
    dates = [project.document(i).date for i in by_date]
    assert dates == [None, None, "2021-12-08", "2021-12-23", "2022-02-02"]


def test_a_document_is_listed_for_a_coder_as_their_list_shows_it(project: Project) -> None:
    from annotator.services import study

    assert project.is_listed(3, "ana") and project.is_listed(3) and not project.is_listed(99)
    study.assign(project, ["ana", "ben"], overlap="0%", seed=1)
    for coder in ("ana", "ben"):
        listed = project.document_ids(coder)
        assert [i for i in project.all_document_ids() if project.is_listed(i, coder)] == \
            sorted(listed)
    assert project.is_listed(3, "cora")  # no assignments: every document


def test_every_sort_key_in_both_orders(project: Project) -> None:
    """Descending by status was an SQL syntax error (a click on the header's second sort)."""
    project.set_status(2, "ana", Status.DONE)
    project.set_status(4, "ana", Status.IN_PROGRESS)
    for key in ("id", "title", "date", "outlet", "status"):
        for search in ("", "NATO"):
            up = project.document_ids("ana", sort=key, search=search)
            down = project.document_ids("ana", sort=key, search=search, descending=True)
            assert sorted(up) == sorted(down) and up, key
            assert down == up[::-1] or key != "id", key
    by_status = project.document_ids("ana", sort="status", descending=True)
    assert by_status[:2] == [4, 2]  # in progress, done, then not started (by id, reversed)


def test_migration_from_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.annotator"
    db = database.connect(path, new=True)
    database.migrate(db, path, target=1)
    db.execute("INSERT INTO documents (content_hash, title, text, length, imported_at) "
               "VALUES ('h', 'T', 'Putin spoke.', 12, 'x')")
    db.execute("INSERT INTO coders (name, created_at) VALUES ('ana', 'x')")
    db.execute("INSERT INTO coding_schemes (name, version, definition, applied_at) "
               "VALUES ('s', 1, ?, 'x')", [__import__("json").dumps(
                   load_scheme(DEFAULT_SCHEME).data)])
    db.execute("INSERT INTO spans (id, document_id, coder_id, category, start_offset, end_offset,"
               " text, created_at, updated_at) VALUES ('s1', 1, 1, 'speaker', 0, 5, 'Putin', "
               "'x', 'x')")
    assert database.version_of(db) == 1
    db.close()
    with Project.open(path) as project:
        assert database.version_of(project.db) == database.LATEST_VERSION
        assert [s.text for s in project.spans(1)] == ["Putin"]
        with pytest.raises(sqlite3.IntegrityError):  # version 2's trigger is in force
            project.db.execute("UPDATE spans SET end_offset = 99 WHERE id = 's1'")
        plan = " ".join(str(r) for r in project.db.execute(  # version 3's index is used
            "EXPLAIN QUERY PLAN SELECT id FROM documents ORDER BY title COLLATE NOCASE, id"))
        assert "documents_by_title" in plan


def test_bad_files_are_refused_with_their_name(tmp_path: Path) -> None:
    junk = tmp_path / "junk.annotator"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ProjectError, match="junk.annotator"):
        Project.open(junk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(ProjectError, match="not an annotator project"):
        Project.open(other)
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.annotator")


@pytest.mark.sqlite_only  # the server's: test_postgres.py
def test_newer_file_version_is_refused(project: Project) -> None:
    project.db.execute(f"PRAGMA user_version = {database.LATEST_VERSION + 1}")
    path = project.path
    project.close()
    with pytest.raises(ProjectError, match="newer annotator"):
        Project.open(path)


def test_create_refuses_existing_file(project: Project) -> None:
    with pytest.raises(ProjectError, match="already (exists|holds a project)"):
        Project.create(project.location, project.scheme)


def test_save_copy_holds_everything_while_the_project_is_open(project: Project,
                                                              tmp_path: Path) -> None:
    span = project.add_span(1, "ana", "speaker", 0, 3)
    copy = tmp_path / "copy.annotator"
    project.save_copy(copy)
    with Project.open(copy) as again:
        assert again.span(span.id) == span and again.document_count() == 5
    with pytest.raises(ProjectError, match="already exists"):
        project.save_copy(copy)


def _older_file(tmp_path: Path, version: int) -> Path:
    """A project file as annotator left it at ``version``, with the bundled scheme."""
    path = tmp_path / f"v{version}.annotator"
    db = database.connect(path, new=True)
    database.migrate(db, path, target=version)
    db.execute("INSERT INTO coding_schemes (name, version, definition, applied_at) "
               "VALUES ('s', 1, ?, 'x')", [__import__("json").dumps(
                   load_scheme(DEFAULT_SCHEME).data)])
    db.close()
    return path


def test_a_read_only_command_brings_an_older_project_up_to_date(tmp_path: Path) -> None:
    """`annotator info` on a project of the previous file version: it is upgraded once
    (as opening it in the window would) and then read without writing."""
    from annotator import cli

    path = _older_file(tmp_path, 3)
    assert cli.main(["info", str(path)]) == 0
    with Project.open(path, read_only=True) as project:
        assert database.version_of(project.db) == database.LATEST_VERSION


def test_the_filter_answers_from_the_full_text_index(tmp_path: Path) -> None:
    from annotator.domain.model import NewDocument
    from annotator.services import actions

    with actions.new_project(tmp_path / "f.annotator") as project:
        project.import_documents([
            NewDocument(text="Jens Stoltenberg met Zelenskyy at the café.", title="Talks"),
            NewDocument(text="Putin spoke.", title="Moscow briefing", outlet="TheLiberty.com"),
            NewDocument(text="Nothing here 100%.", title="Other")])
        ids = project.all_document_ids()
        assert project.document_ids(search="stolt") == [ids[0]]  # a word's prefix
        assert project.document_ids(search="CAFE zelensk") == [ids[0]]  # case, diacritics
        assert project.document_ids(search="Liberty") == [ids[1]]  # inside an outlet
        assert project.document_ids(search="brief") == [ids[1]]  # a title
        assert project.document_ids(search="%") == [ids[2]]  # no word: a plain scan
        plan = " ".join(str(r) for r in project.db.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'x'"))
        assert "documents_fts" in plan and "VIRTUAL TABLE" in plan


def test_an_older_project_gets_its_index_built(tmp_path: Path) -> None:
    path = tmp_path / "v4.annotator"
    db = database.connect(path, new=True)
    database.migrate(db, path, target=4)
    db.execute("INSERT INTO documents (content_hash, title, text, length, imported_at) "
               "VALUES ('h', 'T', 'Lavrov answered.', 16, 'x')")
    db.execute("INSERT INTO coding_schemes (name, version, definition, applied_at) "
               "VALUES ('s', 1, ?, 'x')", [__import__("json").dumps(
                   load_scheme(DEFAULT_SCHEME).data)])
    db.close()
    with Project.open(path) as project:
        assert project.document_ids(search="lavr") == [1]


@pytest.mark.sqlite_only  # the server's step: test_postgres.py migrates through every version
def test_the_list_reads_its_rows_from_their_own_index(tmp_path: Path) -> None:
    """Version 12: a page of the list comes from ``documents_list`` (its columns alone),
    not from the table whose rows carry the texts; a version 11 file gets the index."""
    path = _older_file(tmp_path, 11)
    with Project.open(path) as project:
        from annotator.domain.model import NewDocument

        project.import_documents([NewDocument(text=f"Text {i}.", title=f"T{i}",
                                              outlet="Tass") for i in range(3)])
        project.set_status(2, "ana", Status.DONE)
        asked: list[str] = []
        project.db.conn.set_trace_callback(asked.append)  # type: ignore[attr-defined]
        rows = project.document_rows([3, 1, 2], "ana")
        project.db.conn.set_trace_callback(None)  # type: ignore[attr-defined]
        assert [(r.id, r.title, r.outlet, r.status) for r in rows] == [
            (3, "T2", "Tass", Status.NOT_STARTED), (1, "T0", "Tass", Status.NOT_STARTED),
            (2, "T1", "Tass", Status.DONE)]
        page = next(sql for sql in asked if "document_status" in sql)
        plan = " ".join(str(r[-1]) for r in project.db.execute(f"EXPLAIN QUERY PLAN {page}"))
        assert "COVERING INDEX documents_list" in plan, plan


@pytest.mark.sqlite_only
def test_reading_ahead_reads_what_a_page_of_the_list_reads(tmp_path: Path) -> None:
    """The window reads the list's pages ahead on a thread of its own: the same index and
    table a page of rows reads, whole; and a file it cannot read changes nothing."""
    from annotator.domain.model import NewDocument
    from annotator.services import actions

    path = tmp_path / "p.annotator"
    with actions.new_project(path) as project:
        project.import_documents([NewDocument(text=f"Text {i}.", title=f"T{i}")
                                  for i in range(3)])
        project.set_status(2, "ana", Status.DONE)
        asked: list[str] = []
        project.db.conn.set_trace_callback(asked.append)  # type: ignore[attr-defined]
        project.document_rows([3, 1], "ana")
        project.db.conn.set_trace_callback(None)  # type: ignore[attr-defined]
        page = next(sql for sql in asked if "document_status" in sql)

        def plan(sql: str) -> str:
            return " | ".join(str(r[-1]) for r in project.db.execute(
                f"EXPLAIN QUERY PLAN {sql}"))

        read = plan(page)
        assert "COVERING INDEX documents_list" in read
        assert "INDEX sqlite_autoindex_document_status_1" in read
        ahead = [plan(sql) for sql in database.READ_AHEAD]
        assert ahead == ["SCAN documents USING COVERING INDEX documents_list",
                         "SCAN document_status USING COVERING INDEX "
                         "sqlite_autoindex_document_status_1", "SCAN document_status"]
    database.read_ahead(path)
    database.read_ahead(tmp_path / "missing.annotator")  # nothing to read: nothing happens
    assert not (tmp_path / "missing.annotator").exists()


def test_a_span_read_from_the_store_is_the_span_the_dataclass_builds() -> None:
    import dataclasses

    from annotator.domain.model import Span

    values = ("s1", 3, "ana", "speaker", 4, 9, "Putin", "lab", {"direct_quote": True},
              "2026-01-01", "2026-01-02", "a memo")
    fast, slow = Span.stored(*values), Span(*values)
    assert fast == slow and dataclasses.astuple(fast) == dataclasses.astuple(slow)
    assert fast.with_changes(end=10) == slow.with_changes(end=10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 0  # type: ignore[misc]


def test_spans_with_the_same_attributes_get_a_dict_each(project: Project) -> None:
    """Attribute sets are parsed once per distinct JSON (#28); each span still holds a
    dict of its own, so a change to one (a link added on reading, say) is not another's."""
    text = project.document(1).text
    start = text.index("Kremlin")
    for offset in (0, 1, 2):
        project.add_span(1, "ana", "speaker", start + offset, start + 7,
                         attributes={"actor": "kremlin"})
    first, second, third = project.spans(1, "ana")
    assert first.attributes == second.attributes == third.attributes == {"actor": "kremlin"}
    assert first.attributes is not second.attributes
    first.attributes["actor"] = "changed"
    assert second.attributes == {"actor": "kremlin"}
    assert project.spans(1, "ana")[0].attributes == {"actor": "kremlin"}


def test_records_take_each_documents_spans_and_values_in_turn(project: Project) -> None:
    """iter_records merges the spans and values streams, grouped by document, with the
    documents walked in id order: documents without coding, and coding of documents a
    "done" export skips, are passed over without one document's rows reaching another."""
    ids = project.all_document_ids()
    for document in (ids[0], ids[2]):
        project.add_span(document, "ana", "speaker", 0, 5)
        project.add_span(document, "ben", "speaker", 1, 6)
    project.set_status(ids[2], "ana", Status.DONE)
    records = {r.document.id: r for r in project.iter_records()}
    assert set(records) == set(ids)
    assert records[ids[1]].coding == {}
    assert {c: [s.document_id for s in w.spans] for c, w in records[ids[0]].coding.items()
            } == {"ana": [ids[0]], "ben": [ids[0]]}
    done = [(r.document.id, sorted(r.coding)) for r in project.iter_records(documents="done")]
    assert done == [(ids[2], ["ana"])]
    (record,) = [r for r in project.iter_records(documents="done")]
    assert [(s.coder, s.start) for s in record.coding["ana"].spans] == [("ana", 0)]
