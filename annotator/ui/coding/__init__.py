"""Coding an article: the article view and its selections, the span forms and fields, the
spans table, the codebook panel, the lazy document list, and the undoable operations that
alone change data from the window (``operations``; ``commands`` binds them to keys)."""
