"""Storage layer: the project file. The only code in annotator that speaks SQL."""

from annotator.storage.project import CodingResult, DeletedSpan, ImportResult, Project

__all__ = ["CodingResult", "DeletedSpan", "ImportResult", "Project"]
