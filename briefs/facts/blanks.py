"""Turn brief.yaml's source entries into the citation fields `brief import` left blank."""

from __future__ import annotations

from briefs.errors import Problem
from briefs.facts.loader import Document

BLANK = "TODO"  # what `brief import` writes where the file does not state a field
HINTS = {
    "title": "the document's title",
    "author": "its author(s), or delete the line if it names none",
    "publisher": "the publisher, journal (with its issue) or web site",
    "date": 'its publication date, "YYYY", "YYYY-MM" or "YYYY-MM-DD"',
}


def blanks(doc: Document) -> list[Problem]:
    """The citation fields of brief.yaml's sources still TODO, each with its line."""
    problems: list[Problem] = []
    sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
    for index, src in enumerate(sources if isinstance(sources, list) else []):
        if not isinstance(src, dict):
            continue
        for name, hint in HINTS.items():
            value = src.get(name)
            values = value.items() if isinstance(value, dict) else [(None, value)]
            for key, text in values:
                if isinstance(text, str) and text.strip().upper().startswith(BLANK):
                    loc = ("sources", index, name) + ((key,) if key else ())
                    line, column = doc.where(loc)
                    problems.append(
                        Problem(
                            f"source '{src.get('id')}': `{name}` is a blank left by `brief "
                            f"import`: write {hint}",
                            doc.path,
                            line,
                            column,
                        )
                    )
    return problems
