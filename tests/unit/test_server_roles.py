"""A lab server's rights are the database's: coders connect as their own roles and the
server itself refuses what the app would not do. Every refusal here is shown with raw SQL
(psycopg, not the app), as a coder with psql or a script of their own would try it."""

from __future__ import annotations

import uuid

import pytest

from annotator.domain.errors import ProjectError
from annotator.services import actions
from annotator.storage import Project
from annotator.storage.postgres import server
from annotator.storage.sqlite.database import now
from tests.conftest import SEEDS, run_cli

psycopg = pytest.importorskip("psycopg")


@pytest.fixture
def lab(pg_server, pg_url):  # type: ignore[no-untyped-def]
    """A project on the server with two coders and a coordinator, each a role."""
    tag = uuid.uuid4().hex[:6]
    names = {"ana": f"ana_{tag}", "ben": f"ben_{tag}", "carla": f"carla_{tag}"}
    with actions.new_project(pg_url) as project:
        actions.import_paths(project, [SEEDS])
        server.init(project.db)
        passwords = {}
        for key, name in names.items():
            made = server.add_coder(project.db, name, coordinator=key == "carla",
                                    created_at=now())
            passwords[key] = made.password
        ben_span = project.add_span(1, names["ben"], "speaker", 0, 3)
    lab = {"url": pg_url, "names": names, "passwords": passwords, "ben_span": ben_span.id,
           "server": pg_server}
    yield lab
    pg_server.drop_database(pg_url)
    pg_server.drop_project_roles(pg_url, list(names.values()))


def connect_as(lab, key: str):  # type: ignore[no-untyped-def]
    url = lab["server"].as_user(lab["url"], lab["names"][key])
    return psycopg.connect(url, password=lab["passwords"][key], autocommit=True)


def coder_id(conn, name: str) -> int:  # type: ignore[no-untyped-def]
    return conn.execute("SELECT id FROM coders WHERE name = %s", [name]).fetchone()[0]


INSERT_SPAN = ("INSERT INTO spans (id, document_id, coder_id, category, start_offset, "
               "end_offset, text, created_at, updated_at) "
               "VALUES (%s, %s, %s, 'speaker', 0, 3, %s, 'x', 'x')")


def first_three(conn, doc: int) -> str:  # type: ignore[no-untyped-def]
    return conn.execute("SELECT substr(text, 1, 3) FROM documents WHERE id = %s",
                        [doc]).fetchone()[0]


def test_a_coder_writes_only_their_own_work(lab) -> None:  # type: ignore[no-untyped-def]
    with connect_as(lab, "ana") as ana:
        me, ben = coder_id(ana, lab["names"]["ana"]), coder_id(ana, lab["names"]["ben"])
        ana.execute(INSERT_SPAN, ["mine", 1, me, first_three(ana, 1)])  # her own: stored
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute(INSERT_SPAN, ["as-ben", 1, ben, first_three(ana, 1)])
        # ben's span is not hers to change or remove: the server touches no row
        changed = ana.execute("UPDATE spans SET label = 'x', coder_id = %s WHERE id = %s",
                              [me, lab["ben_span"]])
        assert changed.rowcount == 0
        assert ana.execute("DELETE FROM spans WHERE id = %s", [lab["ben_span"]]).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute("INSERT INTO document_status VALUES (1, %s, 'done', 'x')", [ben])
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # no grant at all
            ana.execute("UPDATE documents SET title = 'mine'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("INSERT INTO study_settings VALUES ('blind_locked', 'false')")
    with Project.open(lab["url"]) as owner:
        assert owner.span(lab["ben_span"]).coder == lab["names"]["ben"]
        assert {s.id for s in owner.spans(1)} == {"mine", lab["ben_span"]}


def test_in_a_study_a_coder_codes_only_their_documents(lab) -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.assignment import Plan

    ana_name = lab["names"]["ana"]
    with Project.open(lab["url"]) as owner:
        owner.set_assignments(Plan(order={ana_name: [1, 2]}, reliability=set()))
    with connect_as(lab, "ana") as ana:
        me = coder_id(ana, ana_name)
        ana.execute(INSERT_SPAN, ["on-2", 2, me, first_three(ana, 2)])
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute(INSERT_SPAN, ["on-3", 3, me, first_three(ana, 3)])


def test_a_blind_coder_cannot_read_other_coders_work(lab) -> None:  # type: ignore[no-untyped-def]
    with Project.open(lab["url"]) as owner:
        owner.set_variable(2, lab["names"]["ben"], "tone", "negative")
        owner.set_study_setting("blind_locked", True)
    with connect_as(lab, "ana") as ana:
        assert ana.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
        assert ana.execute("SELECT count(*) FROM variable_values").fetchone()[0] == 0
        assert ana.execute("SELECT count(*) FROM document_status").fetchone()[0] == 0
    with connect_as(lab, "carla") as carla:  # the coordinator reads everything
        assert carla.execute("SELECT count(*) FROM spans").fetchone()[0] == 1
        carla.execute("UPDATE study_settings SET value = 'false' WHERE key = 'blind_locked'")
    with connect_as(lab, "ana") as ana:  # unlocked for adjudication: now she may read it
        assert ana.execute("SELECT count(*) FROM spans").fetchone()[0] == 1


def test_the_coordinator_may_do_everything(lab) -> None:  # type: ignore[no-untyped-def]
    with connect_as(lab, "carla") as carla:
        ben = coder_id(carla, lab["names"]["ben"])
        carla.execute("UPDATE spans SET label = NULL WHERE id = %s", [lab["ben_span"]])
        carla.execute(INSERT_SPAN, ["gold-like", 1, ben, first_three(carla, 1)])
        carla.execute("INSERT INTO study_settings VALUES ('blind_locked', 'true')")
        assert carla.execute("DELETE FROM spans WHERE id = %s", [lab["ben_span"]]).rowcount == 1


def test_the_app_as_a_coder_is_refused_with_a_message(lab, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PGPASSWORD", lab["passwords"]["ana"])
    url = lab["server"].as_user(lab["url"], lab["names"]["ana"])
    with Project.open(url) as project:
        span = project.add_span(1, lab["names"]["ana"], "speaker", 0, 3)
        assert project.span(span.id).coder == lab["names"]["ana"]
        with pytest.raises(ProjectError, match="you may not"):
            project.add_span(1, lab["names"]["ben"], "speaker", 0, 3)
        with pytest.raises(ProjectError, match="refused"):
            project.update_span(lab["ben_span"], label=None, memo="mine now")
        with pytest.raises(ProjectError, match="refused"):
            project.delete_span(lab["ben_span"])
        assert project.span(lab["ben_span"]).memo == ""


def test_the_command_line_sets_up_a_server(pg_server, pg_url) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run_cli("server", "init", pg_url)
    assert code == 0, err
    assert "created the project" in out and "_coders" in out
    code, out, err = run_cli("server", "init", pg_url)  # again: safe
    assert code == 0 and "created" not in out, err
    name = f"dora_{uuid.uuid4().hex[:6]}"
    code, out, err = run_cli("server", "add-coder", pg_url, name)
    assert code == 0, err
    password = out.strip().rsplit(" ", 1)[1]
    assert len(password) >= 20
    with psycopg.connect(pg_server.as_user(pg_url, name), password=password) as conn:
        assert conn.execute("SELECT count(*) FROM coders WHERE role = %s",
                            [name]).fetchone()[0] == 1
    code, out, err = run_cli("server", "add-coder", "project.annotator", name)
    assert code == 1 and "not a server location" in err
    pg_server.drop_database(pg_url)
    pg_server.drop_project_roles(pg_url, [name])
