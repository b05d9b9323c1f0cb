"""Turn a loaded project and its source texts into what every check reads and how it locates."""

from __future__ import annotations

from dataclasses import dataclass

from briefs.errors import Problem
from briefs.facts import model
from briefs.facts.loader import Loc
from briefs.facts.project import Project
from briefs.sources.text import SourceText


@dataclass(frozen=True)
class Where:
    """What every check reads: the project, its source texts and section names, and how to
    locate a problem in the project's files."""

    project: Project
    texts: dict[str, SourceText]
    sections: dict[str, str]

    @property
    def sources(self) -> dict[str, model.Source]:
        return {s.id: s for s in self.project.brief.sources}

    def problem(self, item_id: str, message: str, field_path: str | Loc | None = None) -> Problem:
        file, line, column = self.project.locate(item_id, field_path)
        return Problem(message, file, line, column, item_id)

    def unknown_section(self, name: str) -> str:
        known = ", ".join(sorted(self.sections))
        return f"unknown section '{name}'; the sections in facts/brief.yaml are: {known}"
