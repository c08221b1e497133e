"""Storage layer: the project file. The only code in annotator that speaks SQL."""

from annotator.storage.project import DeletedSpan, ImportResult, Project

__all__ = ["DeletedSpan", "ImportResult", "Project"]
