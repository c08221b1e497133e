"""Finding and seeing across the corpus: corpus search, coded segments, charts, keyword
highlights, near-duplicate groups, and the tables they share."""
