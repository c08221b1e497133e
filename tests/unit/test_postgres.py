"""What only a project on a server has: its versions, its locations, its text index, and
copies up to it and down from it."""

from __future__ import annotations

import pytest

from annotator.domain import corpus_query
from annotator.domain.errors import ProjectError
from annotator.domain.model import NewDocument
from annotator.services import actions
from annotator.storage import Project, postgres
from annotator.storage.postgres import schema as postgres_schema
from annotator.storage.sqlite import database
from tests.conftest import SEEDS, run_cli


def test_both_engines_number_their_migrations_alike() -> None:
    """A new SQLite migration needs its PostgreSQL step, or a server project stops short."""
    assert set(postgres_schema.MIGRATIONS) == set(range(postgres_schema.FIRST_VERSION,
                                                 database.LATEST_VERSION))


def test_a_newer_project_on_the_server_is_refused(pg_url: str) -> None:
    with actions.new_project(pg_url) as project:
        project.db.execute("UPDATE annotator_meta SET value = ? WHERE key = 'version'",
                           [str(database.LATEST_VERSION + 1)])
    with pytest.raises(ProjectError, match="newer annotator"):
        Project.open(pg_url)


def test_an_empty_database_is_not_a_project(pg_url: str) -> None:
    with pytest.raises(ProjectError, match="holds no annotator project; 'annotator new"):
        Project.open(pg_url)


def test_a_password_in_the_location_is_refused(pg_server, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    from urllib.parse import urlsplit

    parts = urlsplit(pg_url)
    with_password = pg_server.with_database(parts.path.lstrip("/"),
                                            user=parts.username or "postgres", password="secret")
    with pytest.raises(ProjectError, match="PGPASSWORD") as refused:
        Project.open(with_password)
    assert "secret" not in str(refused.value)


def test_the_index_words_are_stored_with_their_positions() -> None:
    assert postgres.tsvector("NATO's Élysée NATO") == "'nato':1,4 's':2 'elysee':3"
    long = "a" * 600
    assert postgres.tsvector(f"x {long} y") == "'x':1 'y':3"


def test_tsquery_follows_the_query_language() -> None:
    assert corpus_query.parse('"Jens Stoltenberg" OR lavrov').tsquery == \
        "(('jens' <-> 'stoltenberg') | 'lavrov')"
    assert corpus_query.parse("nato NOT russia").tsquery == "('nato' & !'russia')"
    assert corpus_query.parse("stolt*").tsquery == "'stolt':*"


def test_copy_up_and_down_keeps_everything(tmp_path, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    from annotator.services.actions import copy_project

    local = tmp_path / "local.annotator"
    with actions.new_project(local) as project:
        actions.import_paths(project, [SEEDS])
        target = project.add_span(2, "ben", "speaker", 0, 3)
        project.add_span(2, "ana", "accusation", 4, 9, attributes={"accuser": target.id},
                         memo="first — 🎉")
        project.set_variable(2, "ana", "tone", "negative")
        project.set_document_memo(3, "ana", "read again")
        project.set_study_setting("blind_locked", True)
        before = actions_dump(project, tmp_path / "before.jsonl")
        found = {q: project.document_ids(search=q) for q in ("Stoltenb", "nato kreml", "Moscow")}
        assert found["Stoltenb"] and found["nato kreml"]
    copy_project(local, pg_url)
    with Project.open(pg_url) as up:
        assert actions_dump(up, tmp_path / "up.jsonl") == before
        assert {q: up.document_ids(search=q) for q in found} == found  # the same index
        added = up.add_span(5, "ana", "speaker", 0, 3)
        assert up.span(added.id).document_id == 5
    down = tmp_path / "down.annotator"
    copy_project(pg_url, down)
    with Project.open(down) as again:
        assert {q: again.document_ids(search=q) for q in found} == found
        assert len(again.spans(5)) == 1
    with pytest.raises(ProjectError, match="already holds a project"):
        copy_project(local, pg_url)
    with pytest.raises(ProjectError, match="already exists"):
        copy_project(pg_url, down)


def actions_dump(project: Project, path) -> str:  # type: ignore[no-untyped-def]
    actions.export(project, "jsonl", path)
    return path.read_text(encoding="utf-8")


def test_the_command_line_takes_a_server_everywhere(tmp_path, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("new", pg_url)[0] == 0
    code, out, err = run_cli("import", pg_url, str(SEEDS))
    assert code == 0 and "imported 5 documents" in out, err
    code, out, err = run_cli("assign", pg_url, "--coders", "ana,ben", "--overlap-count", "2")
    assert code == 0, err
    code, out, err = run_cli("info", pg_url, "--json")
    assert code == 0 and '"documents": 5' in out, err
    code, out, err = run_cli("export", pg_url, "--format", "spans-csv", "-o",
                             str(tmp_path / "s.csv"))
    assert code == 0, err
    with Project.open(pg_url) as project:
        for coder in ("ana", "ben"):
            for doc in project.assigned(coder):
                project.add_span(doc, coder, "speaker", 0, 3)
    code, out, err = run_cli("agreement", pg_url, "--scope", "all", "--bootstrap", "0")
    assert code == 0 and "speaker" in out, err
    local = tmp_path / "down.annotator"
    code, out, err = run_cli("copy", pg_url, str(local))
    assert code == 0 and str(local) in out, err
    with Project.open(local) as project:
        project.add_span(1, "ana", "speaker", 0, 3)
    code, out, err = run_cli("merge", pg_url, str(local))
    assert code == 0 and "1 spans" in out, err
    code, _, err = run_cli("check", pg_url)
    assert code == 1 and "on a server" in err


def test_a_lost_server_refuses_with_its_own_error_and_comes_back(pg_server, pg_url) -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.errors import ServerUnreachable

    if not pg_server.can_restart:
        pytest.skip("the test server is not ours to stop (ANNOTATOR_TEST_POSTGRESQL)")
    with actions.new_project(pg_url) as project:
        actions.import_paths(project, [SEEDS])
        project.add_span(1, "ana", "speaker", 0, 3)
        pg_server.stop_now()
        try:
            with pytest.raises(ServerUnreachable, match="cannot be reached"):
                project.add_span(1, "ana", "speaker", 4, 9)
            assert not project.reconnect()
        finally:
            pg_server.start_again()
        assert project.reconnect()
        project.add_span(1, "ana", "speaker", 4, 9)
        assert [s.start for s in project.spans(1)] == [0, 4]


def test_a_merge_and_a_coders_action_never_interleave(pg_url) -> None:  # type: ignore[no-untyped-def]
    """On a file the one write lock keeps a merge's read-then-replace whole; on a server a
    whole transaction takes the project's lock alone, and a coder's action waits for it."""
    import threading
    import time

    from annotator.domain.errors import ServerUnreachable

    with actions.new_project(pg_url) as coordinator, Project.open(pg_url) as coder:
        coordinator.import_documents([NewDocument(text="Putin spoke to NATO.")])
        finished: list[float] = []
        with coordinator.transaction(whole=True):
            worker = threading.Thread(target=lambda: (coder.add_span(1, "ana", "speaker", 0, 5),
                                                      finished.append(time.monotonic())))
            worker.start()
            time.sleep(0.5)
            assert not finished  # waiting for the whole transaction
            released = time.monotonic()
        worker.join(5)
        assert finished and finished[0] >= released
        assert [s.text for s in coordinator.spans(1)] == ["Putin"]
        coder.db.execute("SET lock_timeout = '200ms'")
        with coordinator.transaction(whole=True):
            with pytest.raises(ServerUnreachable, match="busy with a coordinator's merge"):
                coder.add_span(1, "ana", "speaker", 15, 19)  # kept and tried again, not lost
        coder.add_span(1, "ana", "speaker", 15, 19)
        assert len(coordinator.spans(1)) == 2
