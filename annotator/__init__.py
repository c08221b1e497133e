"""annotator: hand-coding of news articles with a coding scheme, stored in a SQLite project."""

__version__ = "0.1.0"
