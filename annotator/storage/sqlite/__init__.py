"""The project in a file: SQLite's connection and migrations (``database``, ``schema``),
checking and repairing a file (``check``), backups (``backup``) and the lock that keeps a
second window off a file (``lock``)."""
