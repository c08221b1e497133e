"""UI layer: PySide6 widgets, Qt models and undo commands. Data changes only via ui.operations."""
