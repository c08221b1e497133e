"""What the command line and the window share, above storage, formats and agreement: project
tasks with progress and cancel (``actions``), the reliability study (``study``), corpus
search (``search``), near-duplicate groups (``duplicates``) and merging packages
(``merge``). Neither Qt nor SQL here."""
