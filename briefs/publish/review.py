"""Turn a Word file back from review into the figures its reviewers changed, with their facts."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from briefs.errors import UsageError
from briefs.publish.wordparts import FACTS_NS, facts_part

_SPACE = re.compile(r"[ \t\n\r\f]+")


@dataclass(frozen=True)
class Edit:
    """A figure whose text differs from what the document first showed."""

    n: int
    facts: tuple[str, ...]
    old: str
    new: str | None  # None: the reviewer deleted the figure
    tracked: bool  # the edit is a tracked change not yet accepted


@dataclass(frozen=True)
class Review:
    """What came back: the brief it was built from, its figures, and those changed."""

    brief: str
    language: str
    edition: str
    figures: int
    edits: list[Edit]


def review(path: Path) -> Review:
    """Compare each figure in a reviewed Word file with the text it was built with.

    Text in tracked insertions counts and tracked deletions do not: the figure as it would read
    once the changes are accepted.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UsageError(f"{path}: not a Word (.docx) file that can be read ({exc})") from None
    root = facts_part(document)
    if root is None:
        raise UsageError(
            f"{path}: carries no brief facts; review a file written by "
            "`brief build --format docx` (or a copy of one saved by Word or LibreOffice)"
        )
    brief = json.loads(root.findtext(f"{{{FACTS_NS}}}data") or "{}").get("brief", {})
    shown = _controls(document.element.body)
    edits = []
    originals = root.findall(f"{{{FACTS_NS}}}figure")
    for figure in originals:
        n = int(figure.get("n", "0"))
        old = figure.text or ""
        facts = tuple((figure.get("facts") or "").split())
        now = shown.get(n)
        if now is None:
            edits.append(Edit(n, facts, old, None, False))
        elif now[0].split() != old.split():
            # Only a change of what is read counts: a no-break space typed as a space does not.
            edits.append(Edit(n, facts, old, _SPACE.sub(" ", now[0]).strip(), now[1]))
    return Review(
        brief=str(brief.get("id", "")),
        language=str(brief.get("language", "")),
        edition=str(brief.get("edition", "")),
        figures=len(originals),
        edits=edits,
    )


def _controls(body: Any) -> dict[int, tuple[str, bool]]:
    """Each figure's content control by number: its text now, and whether changes are tracked."""
    found: dict[int, tuple[str, bool]] = {}
    for sdt in body.iter(qn("w:sdt")):
        content = sdt.find(qn("w:sdtContent"))
        if content is None:
            continue
        names = [sdt.find(f"{qn('w:sdtPr')}/{qn(kind)}") for kind in ("w:tag", "w:alias")]
        name = next((e.get(qn("w:val")) for e in names if e is not None and e.get(qn("w:val"))), "")
        _, _, number = (name or "").rpartition("#")
        if not number.isdigit() or int(number) in found:
            continue
        text = "".join(t.text or "" for t in content.iter(qn("w:t")))
        tracked = any(True for _ in content.iter(qn("w:ins"), qn("w:del")))
        found[int(number)] = (text, tracked)
    return found


def where_defined(root: Path, found: Review) -> dict[str, str]:
    """Where each fact behind a changed figure is defined in the project at `root` (file:line)."""
    if not found.edits or not (root / "facts" / "brief.yaml").is_file():
        return {}
    from briefs.facts.project import load_project

    project = load_project(root)
    located: dict[str, str] = {}
    for fact_id in {f for edit in found.edits for f in edit.facts}:
        file, line, _ = project.locate(fact_id)
        if file is not None:
            shown = file.relative_to(root) if file.is_relative_to(root) else file
            located[fact_id] = f"{shown}:{line}" if line else str(shown)
    return located
