"""A coder as an attacker with psql: every way found to read or write as another coder, or
around the study's rules, tried with raw SQL against the server the tests start.

The first line of defence is that a coder may not create temporary objects at all (TEMP is
revoked from PUBLIC on the project's database). Each shadowing attack is then tried again
with TEMP granted back to her, as on a server whose owner cannot revoke it: the policies'
functions and triggers pin ``search_path`` with ``pg_temp`` last, so a temporary table never
stands in for the project's own.
"""

from __future__ import annotations

import time
import uuid

import pytest

from annotator.domain.errors import ProjectError
from annotator.domain.model import NewDocument
from annotator.storage import Project
from annotator.storage.postgres import server
from annotator.storage.postgres.listen import ServerListener
from tests.unit.test_server_roles import (
    INSERT_SPAN,
    coder_id,
    connect_as,
    first_three,
    lab,  # noqa: F401  (the fixture)
)

psycopg = pytest.importorskip("psycopg")


def _grant_temp(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    database = lab["server"].database_of(lab["url"])
    with lab["server"].admin() as admin:
        admin.execute(f'GRANT TEMPORARY ON DATABASE "{database}" TO "{lab["names"]["ana"]}"')


def test_a_coder_may_not_create_temporary_tables(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with connect_as(lab, "ana") as ana:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("CREATE TEMP TABLE coders (id int, role text)")


def test_a_temporary_study_settings_does_not_unlock_blind_coding(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with Project.open(lab["url"]) as owner:
        owner.set_variable(2, lab["names"]["ben"], "tone", "negative")
        owner.set_study_setting("blind_locked", True)
    _grant_temp(lab)
    with connect_as(lab, "ana") as ana:
        ana.execute("CREATE TEMP TABLE study_settings (key text, value text)")
        ana.execute("INSERT INTO study_settings VALUES ('blind_locked', 'false')")
        for table in ("spans", "variable_values", "document_status", "document_memos",
                      "span_links"):
            assert ana.execute(f"SELECT count(*) FROM public.{table}").fetchone()[0] == 0, table


def test_a_temporary_coders_table_does_not_make_her_ben(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _grant_temp(lab)
    with connect_as(lab, "ana") as ana:
        ben = coder_id(ana, lab["names"]["ben"])
        ana.execute("CREATE TEMP TABLE coders (id int, name text, role text)")
        ana.execute("INSERT INTO coders VALUES (%s, 'ben', session_user)", [ben])
        assert ana.execute("UPDATE public.spans SET label = 'x' WHERE id = %s",
                           [lab["ben_span"]]).rowcount == 0
        assert ana.execute("DELETE FROM public.spans WHERE id = %s",
                           [lab["ben_span"]]).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute(INSERT_SPAN.replace("INTO spans", "INTO public.spans"),
                        ["forged", 1, ben, first_three(ana, 1)])


def test_a_temporary_assignments_table_does_not_open_other_documents(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from annotator.domain.assignment import Plan

    with Project.open(lab["url"]) as owner:
        owner.set_assignments(Plan(order={lab["names"]["ana"]: [1]}, reliability=set()))
    _grant_temp(lab)
    with connect_as(lab, "ana") as ana:
        me = coder_id(ana, lab["names"]["ana"])
        ana.execute("CREATE TEMP TABLE assignments (document_id int, coder_id int)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute(INSERT_SPAN.replace("INTO spans", "INTO public.spans"),
                        ["elsewhere", 3, me, first_three(ana, 3)])


def test_a_temporary_documents_table_does_not_let_a_span_lie(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _grant_temp(lab)
    with connect_as(lab, "ana") as ana:
        me = coder_id(ana, lab["names"]["ana"])
        ana.execute("CREATE TEMP TABLE documents (id int, length int, text text)")
        ana.execute("INSERT INTO documents VALUES (1, 100000, 'FABRICATED QUOTE')")
        with pytest.raises(psycopg.errors.CheckViolation):
            ana.execute("INSERT INTO public.spans (id, document_id, coder_id, category, "
                        "start_offset, end_offset, text, created_at, updated_at) VALUES "
                        "('lie', 1, %s, 'speaker', 0, 16, 'FABRICATED QUOTE', 'x', 'x')", [me])


def test_every_function_pins_its_search_path_with_pg_temp_last(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    database = lab["server"].database_of(lab["url"])
    with psycopg.connect(lab["server"].with_database(database), autocommit=True) as owner:
        rows = owner.execute(
            "SELECT p.proname, p.prosecdef, p.proconfig FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = 'public'").fetchall()
    assert {r[0] for r in rows} >= {"annotator_me", "annotator_may_code", "annotator_may_read",
                                    "annotator_span_inside", "annotator_notify"}
    for name, _definer, config in rows:
        paths = [c.split("=", 1)[1] for c in (config or []) if c.startswith("search_path=")]
        assert paths, f"{name} has no search_path of its own"
        assert paths[0].replace(" ", "").split(",")[-1] == "pg_temp", (name, paths[0])
    assert {r[0] for r in rows if r[1]} == {"annotator_me", "annotator_may_code",
                                            "annotator_may_read"}


def test_a_coder_cannot_link_her_span_to_another_coders(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    with connect_as(lab, "ana") as ana:
        me = coder_id(ana, lab["names"]["ana"])
        ana.execute(INSERT_SPAN, ["hers", 1, me, first_three(ana, 1)])
        ana.execute(INSERT_SPAN, ["hers-too", 1, me, first_three(ana, 1)])
        ana.execute("INSERT INTO span_links VALUES ('hers', 'accuser', 'hers-too')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute("INSERT INTO span_links VALUES ('hers', 'target', %s)",
                        [lab["ben_span"]])
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            ana.execute("UPDATE span_links SET target_id = %s WHERE span_id = 'hers'",
                        [lab["ben_span"]])


def test_a_forged_notice_does_not_stop_the_real_ones(lab) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    import select

    listener = ServerListener(lab["url"], own_pid=lambda: 0)
    try:
        with connect_as(lab, "ana") as ana:
            for payload in ("not json", "[1, 2]", '{"what": "spans", "document": "x"}',
                            '{"what": "nothing"}', "null"):
                ana.execute("SELECT pg_notify('annotator_changes', %s)", [payload])
            me = coder_id(ana, lab["names"]["ana"])
            ana.execute(INSERT_SPAN, ["real", 2, me, first_three(ana, 2)])
        changes: list = []  # type: ignore[type-arg]
        deadline = time.monotonic() + 10
        while not changes and time.monotonic() < deadline:  # the forged ones may come first
            select.select([listener.fileno()], [], [], 1)
            changes += listener.poll()
        assert [(c.kind, c.document_id, c.coder) for c in changes] == [
            ("span_changed", 2, lab["names"]["ana"])]
    finally:
        listener.close()


@pytest.mark.parametrize("name, why", [
    ("a" * 64, "at most 63 bytes"), ("é" * 32, "at most 63 bytes"),
    ("pg_monitor", "keeps for itself"), ("PUBLIC", "keeps for itself"),
    ("{db}_coders", "keeps for itself"), ("{db}_coordinators", "keeps for itself")])
def test_add_coder_refuses_names_the_server_would_change_or_keeps(
        lab, name: str, why: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    database = lab["server"].database_of(lab["url"])
    with Project.open(lab["url"]) as owner:
        with pytest.raises(ProjectError, match=why):
            server.add_coder(owner.db, name.format(db=database), created_at="x")
        assert name.format(db=database) not in owner.coders()


def test_add_coder_never_sends_the_password_itself(lab, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    sent: list[str] = []
    name = f"dora_{uuid.uuid4().hex[:6]}"
    with Project.open(lab["url"]) as owner:
        original = owner.db.execute

        def recording(sql, params=()):  # type: ignore[no-untyped-def]
            sent.append(f"{sql} {params!r}")
            return original(sql, params)

        monkeypatch.setattr(owner.db, "execute", recording)
        made = server.add_coder(owner.db, name, created_at="x")
    try:
        assert made.password and not any(made.password in s for s in sent)
        assert any("SCRAM-SHA-256$" in s for s in sent)
        with psycopg.connect(lab["server"].as_user(lab["url"], name),
                             password=made.password) as conn:  # and it logs in
            assert conn.execute("SELECT session_user").fetchone()[0] == name
    finally:
        lab["server"].drop_roles([name])


@pytest.mark.parametrize("url", ["postgresql://ana@/db?host=/tmp&password=PW",
                                 "postgresql://ana@/db?PASSWORD=PW&host=/tmp",
                                 "postgresql://ana:PW@localhost/db"])
def test_a_password_in_the_location_is_refused_and_never_shown(url: str) -> None:
    with pytest.raises(ProjectError, match="does not belong in the location") as caught:
        Project.open(url)
    assert "PW" not in str(caught.value)


def test_a_coder_opening_a_project_an_older_annotator_made_is_told_who_updates_it(
        lab, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Versions 9 to 12 change tables a coder's role may not change: the coordinator
    updates the project by opening it once; the coder is told so, instead of 'permission
    denied'."""
    from annotator.storage.sqlite.database import LATEST_VERSION

    database = lab["server"].database_of(lab["url"])
    with psycopg.connect(lab["server"].with_database(database), autocommit=True) as owner:
        owner.execute("ALTER TABLE merge_bases DROP COLUMN source, DROP COLUMN changed_at")
        owner.execute("UPDATE documents SET publication_key = content_hash")  # version 9's
        owner.execute("ALTER TABLE documents DROP COLUMN content_hash")
        owner.execute("ALTER TABLE documents RENAME COLUMN publication_key TO content_hash")
        owner.execute("ALTER TABLE spans DROP COLUMN origin")  # version 11's
        owner.execute("DROP INDEX documents_list")  # version 12's
        owner.execute("UPDATE annotator_meta SET value = '8' WHERE key = 'version'")
    url = lab["server"].as_user(lab["url"], lab["names"]["ana"])
    monkeypatch.setenv("PGPASSWORD", lab["passwords"]["ana"])
    with pytest.raises(ProjectError, match="Ask your coordinator to open it once"):
        Project.open(url)
    with Project.open(lab["url"]) as project:  # the owner opens it: brought up to date
        assert project.merge_base_of(1, lab["names"]["ana"]) is None
        doc = project.document(1)
        assert project.document_id_by_key(doc.publication_key) == 1  # same key as Python's
        assert doc.content_hash == NewDocument(text=doc.text).content_hash
    with psycopg.connect(lab["server"].with_database(database), autocommit=True) as owner:
        assert owner.execute("SELECT value FROM annotator_meta WHERE key = 'version'"
                             ).fetchone()[0] == str(LATEST_VERSION)
