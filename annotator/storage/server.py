"""A lab server's rights, kept by PostgreSQL itself: coders and coordinators are roles, and
row-level security refuses what the app would not do, whoever connects and however.

``init`` makes the project's two group roles and its policies (again and again, safely);
``add_coder`` makes a login role for a coder (or a coordinator) with a generated password.

- **Coordinators** (the group ``<database>_coordinators``) may do everything: import, set
  the scheme, assign, merge, adjudicate (code as gold), and change any coder's work.
- **Coders** (``<database>_coders``) read the documents, the scheme and the study, and
  change only their own spans, links, values, memos and statuses, and in a study only on the
  documents assigned to them. While blind coding is locked, a coder reads no other coder's
  work; when the coordinator unlocks it (to adjudicate), everyone's is readable.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from annotator.domain.errors import ProjectError
from annotator.storage.postgres import PostgresEngine

CODER_TABLES = ("spans", "variable_values", "document_status", "document_memos")
READ_TABLES = ("documents", "documents_fts", "coders", "coding_schemes", "assignments",
               "study_settings", "annotator_meta")

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION annotator_me() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema} AS $$
    SELECT id FROM coders WHERE role = session_user $$;
CREATE OR REPLACE FUNCTION annotator_may_code(doc integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema} AS $$
    SELECT NOT EXISTS (SELECT 1 FROM assignments)
        OR EXISTS (SELECT 1 FROM assignments WHERE document_id = doc
                   AND coder_id = annotator_me()) $$;
CREATE OR REPLACE FUNCTION annotator_may_read(coder integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema} AS $$
    SELECT coder = annotator_me() OR coalesce((SELECT value FROM study_settings
        WHERE key = 'blind_locked'), 'false') <> 'true' $$;
"""


@dataclass(frozen=True)
class NewRole:
    name: str
    password: str | None  # None: the role existed already and keeps its password


def groups(engine: PostgresEngine) -> tuple[str, str]:
    """The project's (coders, coordinators) group roles."""
    database = engine.execute("SELECT current_database()").fetchone()[0]
    return f"{database}_coders", f"{database}_coordinators"


def _ident(name: str) -> str:
    from psycopg import sql

    return sql.Identifier(name).as_string(None)


def _literal(value: str) -> str:
    from psycopg import sql

    return sql.Literal(value).as_string(None)


def _role_exists(engine: PostgresEngine, name: str) -> bool:
    return engine.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", [name]).fetchone() \
        is not None


def _create_group(engine: PostgresEngine, name: str) -> None:
    if not _role_exists(engine, name):
        engine.execute(f"CREATE ROLE {_ident(name)} NOLOGIN")


def init(engine: PostgresEngine) -> tuple[str, str]:
    """Make (or make again) the group roles, grants and policies; one transaction."""
    coders, coordinators = groups(engine)
    schema = engine.execute("SELECT current_schema()").fetchone()[0]
    engine.begin()
    try:
        for group in (coders, coordinators):
            _create_group(engine, group)
        engine.execute(_FUNCTIONS.format(schema=_ident(schema)))
        database = engine.execute("SELECT current_database()").fetchone()[0]
        for group in (coders, coordinators):
            engine.execute(f"GRANT CONNECT ON DATABASE {_ident(database)} TO {_ident(group)}")
            engine.execute(f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {_ident(group)}")
        engine.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA {_ident(schema)} "
                       f"TO {_ident(coordinators)}")
        engine.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA "
                       f"{_ident(schema)} TO {_ident(coordinators)}")
        engine.execute(f"GRANT SELECT ON {', '.join(READ_TABLES)} TO {_ident(coders)}")
        engine.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON "
                       f"{', '.join((*CODER_TABLES, 'span_links'))} TO {_ident(coders)}")
        for table in (*CODER_TABLES, "span_links"):
            _policies(engine, table, coders, coordinators)
        engine.execute("COMMIT")
    except BaseException:
        engine.execute("ROLLBACK")
        raise
    return coders, coordinators


def _policies(engine: PostgresEngine, table: str, coders: str, coordinators: str) -> None:
    engine.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for name in ("coordinator_all", "coder_read", "coder_insert", "coder_update",
                 "coder_delete"):
        engine.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
    engine.execute(f"CREATE POLICY coordinator_all ON {table} TO {_ident(coordinators)} "
                   f"USING (true) WITH CHECK (true)")
    if table == "span_links":  # a link is its source span's: mine if the span is mine
        mine = "EXISTS (SELECT 1 FROM spans s WHERE s.id = span_id " \
               "AND s.coder_id = annotator_me())"
        may_code = ("EXISTS (SELECT 1 FROM spans s WHERE s.id = span_id "
                    "AND annotator_may_code(s.document_id))")
        readable = "EXISTS (SELECT 1 FROM spans s WHERE s.id = span_id)"  # its RLS decides
    else:
        mine = "coder_id = annotator_me()"
        may_code = "annotator_may_code(document_id)"
        readable = "annotator_may_read(coder_id)"
    to = f"TO {_ident(coders)}"
    engine.execute(f"CREATE POLICY coder_read ON {table} FOR SELECT {to} USING ({readable})")
    engine.execute(f"CREATE POLICY coder_insert ON {table} FOR INSERT {to} "
                   f"WITH CHECK ({mine} AND {may_code})")
    engine.execute(f"CREATE POLICY coder_update ON {table} FOR UPDATE {to} USING ({mine}) "
                   f"WITH CHECK ({mine} AND {may_code})")
    engine.execute(f"CREATE POLICY coder_delete ON {table} FOR DELETE {to} "
                   f"USING ({mine} AND {may_code})")


def add_coder(engine: PostgresEngine, name: str, *, coordinator: bool = False,
              created_at: str) -> NewRole:
    """A login role ``name`` in the coders' (or coordinators') group, and the coder of that
    name in the project, tied to it. A role that exists already (a coder of another
    project on this server) keeps its password and is only granted the group."""
    name = name.strip()
    if not name:
        raise ProjectError("a coder needs a name")
    coders, coordinators = groups(engine)
    if not _role_exists(engine, coders):
        raise ProjectError("the server has no roles for this project yet; run 'annotator "
                           "server init' on it first")
    password: str | None = None
    engine.begin()
    try:
        if not _role_exists(engine, name):
            password = secrets.token_urlsafe(18)
            engine.execute(f"CREATE ROLE {_ident(name)} LOGIN PASSWORD {_literal(password)}")
        engine.execute(f"GRANT {_ident(coordinators if coordinator else coders)} "
                       f"TO {_ident(name)}")
        engine.execute("INSERT INTO coders (name, created_at, role) VALUES (?, ?, ?) "
                       "ON CONFLICT (name) DO UPDATE SET role = excluded.role",
                       [name, created_at, name])
        engine.execute("COMMIT")
    except BaseException:
        engine.execute("ROLLBACK")
        raise
    return NewRole(name, password)


def role_of_session(engine: PostgresEngine) -> tuple[str | None, bool]:
    """The coder the connected role codes as (``None`` for the project's owner or an
    administrator), and whether it may coordinate."""
    row = engine.execute("SELECT name FROM coders WHERE role = session_user").fetchone()
    coordinators = groups(engine)[1]
    coordinates = engine.execute(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?) "
        "THEN pg_has_role(session_user, ?, 'MEMBER') ELSE false END",
        [coordinators, coordinators]).fetchone()[0]
    return (row[0] if row else None), bool(coordinates)
