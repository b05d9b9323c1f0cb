"""Turn a project's prose templates into the problems of their wording: typed figures, copies."""

from __future__ import annotations

from pathlib import Path

from briefs.compose.copies import copies
from briefs.compose.prose import prose_lines, prose_templates
from briefs.compose.typed import typed_figures
from briefs.errors import Problem
from briefs.facts.project import Project
from briefs.sources.text import SourceText


def _shown(path: Path, root: Path) -> Path:
    return path.relative_to(root) if path.is_relative_to(root) else path


def typed_problems(project: Project) -> list[Problem]:
    """A figure typed into prose, with the facts to print it from where some state it."""
    lines = [
        line for _, path in prose_templates(project.paths.templates) for line in prose_lines(path)
    ]
    problems = []
    for typed in typed_figures(lines, project):
        use = " or ".join(f'{{{{ F["{fact_id}"] }}}}' for fact_id in typed.facts)
        fix = (
            f"print it from its fact: {use}"
            if use
            else "add a fact that states it, with the source's words, and print it with F[…]"
        )
        problems.append(
            Problem(
                f"the figure '{typed.text}' is typed into the prose; {fix} (README, \"Figures "
                'in prose", lists the numbers that may be typed)',
                _shown(typed.line.template, project.paths.root),
                typed.line.number,
            )
        )
    return problems


def copy_problems(project: Project, texts: dict[str, SourceText]) -> list[Problem]:
    """A run of words the prose shares with a source, with the source's line."""
    lines = [
        (lang, line)
        for lang, path in prose_templates(project.paths.templates)
        for line in prose_lines(path)
    ]
    sources = {s.id: s for s in project.brief.sources}
    problems = []
    for copy in copies(lines, project, texts):
        where = f"{sources[copy.source].file}:{copy.source_line}"
        fix = (
            "cite a fact of that source in the same paragraph, so that a note names it"
            if copy.quoted
            else "write it afresh, or quote it in quotation marks with a fact of that source cited"
        )
        problems.append(
            Problem(
                f"the prose shares '{copy.run}' with source '{copy.source}' (facts/{where}); "
                + fix,
                _shown(copy.line.template, project.paths.root),
                copy.line.number,
            )
        )
    return problems
