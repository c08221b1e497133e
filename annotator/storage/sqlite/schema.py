"""The project file's schema: numbered migrations. ``MIGRATIONS[n]`` takes a file from
version ``n`` to ``n + 1`` (``PRAGMA user_version`` holds the version, ``PRAGMA
application_id`` marks the file as an annotator project). A PostgreSQL project has the same
versions (``storage/postgres/schema.py``); a new step here needs its step there.
"""

from __future__ import annotations

APPLICATION_ID = 0x414E4E54  # "ANNT"

_V1 = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    date TEXT,
    outlet TEXT,
    url TEXT,
    source_path TEXT,
    text TEXT NOT NULL,
    length INTEGER NOT NULL CHECK (length = length(text)),
    metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    imported_at TEXT NOT NULL
);
CREATE TABLE coders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    created_at TEXT NOT NULL
);
CREATE TABLE coding_schemes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    definition TEXT NOT NULL CHECK (json_valid(definition)),
    applied_at TEXT NOT NULL
);
CREATE TABLE spans (
    id TEXT PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    category TEXT NOT NULL,
    label TEXT,
    start_offset INTEGER NOT NULL CHECK (start_offset >= 0),
    end_offset INTEGER NOT NULL CHECK (end_offset > start_offset),
    text TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX spans_by_document_coder ON spans(document_id, coder_id, start_offset);
CREATE TABLE span_links (
    span_id TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    attribute TEXT NOT NULL,
    target_id TEXT NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
    PRIMARY KEY (span_id, attribute)
);
CREATE INDEX span_links_by_target ON span_links(target_id);
CREATE TABLE variable_values (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    variable TEXT NOT NULL,
    value TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (document_id, coder_id, variable)
);
CREATE TABLE document_status (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'done')),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (document_id, coder_id)
);
CREATE INDEX document_status_by_coder ON document_status(coder_id, status);
"""

# Version 2: a span must lie inside its document and carry exactly the text it covers.
# (SQLite's substr() and length() count code points, as Python does.)
_V2 = """
CREATE TRIGGER spans_inside_document_insert BEFORE INSERT ON spans
BEGIN
    SELECT RAISE(ABORT, 'span lies outside its document or its text does not match')
    WHERE NOT EXISTS (
        SELECT 1 FROM documents d WHERE d.id = NEW.document_id
        AND NEW.end_offset <= d.length
        AND substr(d.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.text);
END;
CREATE TRIGGER spans_inside_document_update
BEFORE UPDATE OF start_offset, end_offset, text, document_id ON spans
BEGIN
    SELECT RAISE(ABORT, 'span lies outside its document or its text does not match')
    WHERE NOT EXISTS (
        SELECT 1 FROM documents d WHERE d.id = NEW.document_id
        AND NEW.end_offset <= d.length
        AND substr(d.text, NEW.start_offset + 1, NEW.end_offset - NEW.start_offset) = NEW.text);
END;
"""

# Version 3: the document list sorts 100,000 documents by title, date or outlet from an index.
_V3 = """
CREATE INDEX documents_by_title ON documents(title COLLATE NOCASE, id);
CREATE INDEX documents_by_date ON documents(date, id);
CREATE INDEX documents_by_outlet ON documents(outlet COLLATE NOCASE, id);
"""

# Version 4: a reliability study. Who codes which document (and whether it is in the
# double-coded sample, and where it stands in the coder's own order), the study's settings
# (blind coding locked), and for merging in rounds, what each coder's work on a document
# was when it was last merged (its hash), so a later package replaces it cleanly.
_V4 = """
CREATE TABLE assignments (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    reliability INTEGER NOT NULL DEFAULT 0 CHECK (reliability IN (0, 1)),
    position INTEGER NOT NULL,
    PRIMARY KEY (document_id, coder_id)
);
CREATE INDEX assignments_by_coder ON assignments(coder_id, position);
CREATE TABLE study_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL CHECK (json_valid(value))
);
CREATE TABLE merge_bases (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    work_hash TEXT NOT NULL,
    PRIMARY KEY (document_id, coder_id)
);
"""

# Version 5: a full-text index of titles, outlets and texts (SQLite FTS5, unicode61 words,
# diacritics folded), kept in step by triggers, so the document filter and corpus search
# answer from the index instead of scanning every text. Chosen over the trigram tokenizer,
# which finds any substring but is about nine times the size and slow to build.
_V5 = """
CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, outlet, text, content='documents', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, outlet, text)
    VALUES (new.id, new.title, new.outlet, new.text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, outlet, text)
    VALUES ('delete', old.id, old.title, old.outlet, old.text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF title, outlet, text ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, outlet, text)
    VALUES ('delete', old.id, old.title, old.outlet, old.text);
    INSERT INTO documents_fts (rowid, title, outlet, text)
    VALUES (new.id, new.title, new.outlet, new.text);
END;
INSERT INTO documents_fts (documents_fts) VALUES ('rebuild');
"""

# Version 6: spans by category in document order, so Tools → Coded segments reads the first
# spans of one category without scanning (or sorting) every span of the project.
_V6 = """
CREATE INDEX spans_by_category ON spans(category, document_id, start_offset);
"""

# Version 7: memos, each a coder's own like their spans: one on any span (a column), one
# per document and coder (a table).
_V7 = """
ALTER TABLE spans ADD COLUMN memo TEXT NOT NULL DEFAULT '';
CREATE TABLE document_memos (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id),
    memo TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (document_id, coder_id)
);
CREATE INDEX spans_with_memo ON spans(document_id) WHERE memo != '';
"""

# Version 8: new documents enter the text index a batch at a time (``index_documents_after``),
# not by a trigger per row: a trigger's insert costs FTS5 2.4 times the batch's (import of
# 10,000 articles, 3.2 s against 1.35 s). Updates and deletes keep their triggers.
_V8 = """
DROP TRIGGER documents_fts_insert;
"""

# Version 9: a merge base remembers which line of work brought it (the source project's
# lineage) and when that work had last changed, so a merge can tell a later round of the
# same package from another copy that changed the same coder's work differently, and from
# an older copy of the same package.
_V9 = """
ALTER TABLE merge_bases ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE merge_bases ADD COLUMN changed_at TEXT NOT NULL DEFAULT '';
"""

# Version 10: a document is one publication, its text as printed by one outlet on one date
# (``domain.text.publication_key``): the unique column is that key, and the text's own hash
# (what ``check`` verifies the text against) is a column of its own, indexed to find the
# same text printed elsewhere. ``publication_key()`` is the Python function every
# connection registers (``database.connect``).
_V10 = """
ALTER TABLE documents RENAME COLUMN content_hash TO publication_key;
ALTER TABLE documents ADD COLUMN content_hash TEXT NOT NULL DEFAULT '';
UPDATE documents SET content_hash = publication_key;
UPDATE documents SET publication_key = publication_key(content_hash, outlet, date);
CREATE INDEX documents_by_text ON documents(content_hash);
"""

# Version 11: where a span came from ("" by hand, "auto-code", "speaker-finder"), so that
# exports carry it and agreement can leave assisted spans out (#29)
_V11 = """
ALTER TABLE spans ADD COLUMN origin TEXT NOT NULL DEFAULT '';
"""

# Version 12: the document list's rows from an index of their own columns (10 MB at 100,000
# documents), not from the table whose rows carry the texts: a page of 200 rows read from
# a cold disk took 10–60 ms and up to 228 ms on a loaded machine, 2–20 ms from the index
_V12 = """
CREATE INDEX documents_list ON documents(id, title, date, outlet);
"""

# Version 13: a coder's spans of a document in the order every reader wants them (start,
# end, then the order they were made) straight from the index: the spans CSV of a million
# spans sorted each document's rows in a temporary b-tree (0.5-1 s of 4-5 s of reading),
# and each switch of the window sorted the article's spans
_V13 = """
DROP INDEX spans_by_document_coder;
CREATE INDEX spans_by_document_coder
    ON spans(document_id, coder_id, start_offset, end_offset, created_at);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12,
                         _V13]
LATEST_VERSION = len(MIGRATIONS)
