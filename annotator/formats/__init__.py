"""Formats layer: importers and exporters as pure functions over domain records (no SQL, no Qt)."""
