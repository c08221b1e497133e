"""The reliability study in the window: its design and progress, the compare lanes,
adjudication into gold, and the agreement report."""
