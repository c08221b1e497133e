"""Domain layer: dataclasses, coding schemes, text and offset helpers. No Qt, no SQL."""
