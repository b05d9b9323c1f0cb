"""Turn a prose template into the words its author typed, line by line, and the facts it cites."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

# A break in the author's words: where a Jinja expression prints a figure, a period or a name.
BREAK = "\x00"
_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<!--.*?-->|<[a-zA-Z/][^>]*>", re.S)
# Facts a line cites: F["id"], Y["id"], D["id"], T["id"], claim("id", …).
_REFERENCE = re.compile(r"""\b[FYDT]\[\s*["']([^"']+)["']\s*\]""")
_CLAIM = re.compile(r"""\bclaim\(([^)]*)\)""")
_QUOTED = re.compile(r"""["']([^"']+)["']""")
# A Markdown link's address, `](…)`: not the author's words; `](claim:ids)` cites the facts.
_MD_TARGET = re.compile(r"\]\(\s*(claim:)?([^)]*)\)")


@dataclass(frozen=True)
class ProseLine:
    """One line of a prose template: the author's own words, and the facts the line cites."""

    template: Path
    number: int
    words: str
    cites: frozenset[str]


def _blank(pattern: re.Pattern[str], text: str, mark: str) -> str:
    """Replace each match by `mark`, keeping its line breaks so that lines stay in place."""
    return pattern.sub(lambda m: mark + "\n" * m.group(0).count("\n"), text)


def prose_lines(template: Path) -> list[ProseLine]:
    """The author's words on each line of a prose template (Jinja and HTML tags left out; what
    an expression prints becomes BREAK)."""
    source = template.read_text(encoding="utf-8")
    words = _blank(_TAG, _blank(_MD_TARGET, _blank(_JINJA, source, BREAK), "]"), "")
    lines = []
    for number, (raw, text) in enumerate(
        zip(source.splitlines(), words.splitlines(), strict=False), 1
    ):
        cites = {m[1] for m in _REFERENCE.finditer(raw)}
        for match in _CLAIM.finditer(raw):
            cites.update(_QUOTED.findall(match[1]))
        for match in _MD_TARGET.finditer(raw):
            if match[1]:
                cites.update(i for i in match[2].split(",") if i)
        lines.append(ProseLine(template, number, html.unescape(text), frozenset(cites)))
    return lines


def prose_templates(templates: Path) -> list[tuple[str, Path]]:
    """The project's prose templates with their language: templates/prose/<lang>/*.html.j2 and
    *.md."""
    root = templates / "prose"
    if not root.is_dir():
        return []
    return [
        (path.parent.name, path)
        for path in sorted(root.glob("*/*"))
        if path.parent.name in ("zh", "en") and path.suffix in (".j2", ".md")
    ]
