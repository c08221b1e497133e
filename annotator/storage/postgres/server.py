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

# Every function the policies and triggers call names its tables with the project's schema
# and pins search_path with pg_temp last: PostgreSQL searches a session's temporary schema
# *first* unless it is listed, so a coder's temporary ``coders`` or ``study_settings`` table
# would otherwise stand in for the real one inside a SECURITY DEFINER function.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {schema}.annotator_me() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT id FROM {schema}.coders WHERE role = session_user $$;
CREATE OR REPLACE FUNCTION {schema}.annotator_may_code(doc integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT NOT EXISTS (SELECT 1 FROM {schema}.assignments)
        OR EXISTS (SELECT 1 FROM {schema}.assignments WHERE document_id = doc
                   AND coder_id = {schema}.annotator_me()) $$;
CREATE OR REPLACE FUNCTION {schema}.annotator_may_read(coder integer) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
    SELECT coder = {schema}.annotator_me() OR coalesce((SELECT value FROM
        {schema}.study_settings WHERE key = 'blind_locked'), 'false') <> 'true' $$;
ALTER FUNCTION {schema}.annotator_span_inside() SET search_path = {schema}, pg_temp;
ALTER FUNCTION {schema}.annotator_notify() SET search_path = {schema}, pg_temp;
"""
# Role names the server keeps for itself or that SQL reads as something else.
_RESERVED_ROLES = {"public", "none", "current_user", "session_user", "current_role",
                   "session_role", "postgres"}


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
        # no one needs temporary tables here, and a coder should not have them to play with
        # (the functions above are safe from them regardless); only the owner may revoke
        if _owns_database(engine):
            engine.execute(f"REVOKE TEMPORARY ON DATABASE {_ident(database)} FROM PUBLIC")
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
        # ... and it may point only at a span of mine (the foreign key alone would let a
        # coder tie her work to another coder's span whose id she learnt)
        mine_to_mine = mine + " AND EXISTS (SELECT 1 FROM spans t WHERE t.id = target_id " \
            "AND t.coder_id = annotator_me())"
        may_code = ("EXISTS (SELECT 1 FROM spans s WHERE s.id = span_id "
                    "AND annotator_may_code(s.document_id))")
        readable = "EXISTS (SELECT 1 FROM spans s WHERE s.id = span_id)"  # its RLS decides
    else:
        mine = mine_to_mine = "coder_id = annotator_me()"
        may_code = "annotator_may_code(document_id)"
        readable = "annotator_may_read(coder_id)"
    to = f"TO {_ident(coders)}"
    engine.execute(f"CREATE POLICY coder_read ON {table} FOR SELECT {to} USING ({readable})")
    engine.execute(f"CREATE POLICY coder_insert ON {table} FOR INSERT {to} "
                   f"WITH CHECK ({mine_to_mine} AND {may_code})")
    engine.execute(f"CREATE POLICY coder_update ON {table} FOR UPDATE {to} USING ({mine}) "
                   f"WITH CHECK ({mine_to_mine} AND {may_code})")
    engine.execute(f"CREATE POLICY coder_delete ON {table} FOR DELETE {to} "
                   f"USING ({mine} AND {may_code})")


def add_coder(engine: PostgresEngine, name: str, *, coordinator: bool = False,
              created_at: str) -> NewRole:
    """A login role ``name`` in the coders' (or coordinators') group, and the coder of that
    name in the project, tied to it. A role that exists already (a coder of another
    project on this server) keeps its password and is only granted the group."""
    name = name.strip()
    coders, coordinators = groups(engine)
    check_role_name(name, (coders, coordinators))
    if not _role_exists(engine, coders):
        raise ProjectError("the server has no roles for this project yet; run 'annotator "
                           "server init' on it first")
    password: str | None = None
    engine.begin()
    try:
        if not _role_exists(engine, name):
            password = secrets.token_urlsafe(18)
            # the server gets a SCRAM verifier made here, never the password itself, so no
            # statement log (log_statement = ddl) and no pg_stat_activity shows it
            verifier = engine.conn.pgconn.encrypt_password(
                password.encode(), name.encode(), b"scram-sha-256").decode()
            engine.execute(f"CREATE ROLE {_ident(name)} LOGIN PASSWORD {_literal(verifier)}")
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


def check_role_name(name: str, groups: tuple[str, ...] = ()) -> None:
    """A coder's role name that PostgreSQL keeps as written: not empty, at most 63 bytes
    (longer names are cut, silently, to another name), and not one the server or the
    project keeps for itself."""
    if not name:
        raise ProjectError("a coder needs a name")
    if len(name.encode("utf-8")) > 63:
        raise ProjectError(f"{name[:20]}…: a coder's name on a server is at most 63 bytes "
                           f"(this one is {len(name.encode('utf-8'))}); PostgreSQL would cut "
                           f"it to another name")
    if name.lower() in _RESERVED_ROLES or name.lower().startswith("pg_") or name in groups:
        raise ProjectError(f"{name!r} is a name the server or this project keeps for itself; "
                           f"choose another coder name")


def _owns_database(engine: PostgresEngine) -> bool:
    return bool(engine.execute(
        "SELECT pg_has_role(session_user, datdba, 'MEMBER') FROM pg_database "
        "WHERE datname = current_database()").fetchone()[0])


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
