"""Turn an empty folder into a working brief project: example facts, source, chart, templates."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefs.errors import UsageError

SCAFFOLD = Path(__file__).parent / "scaffold"
# The layout (page templates, stylesheet, interface strings) is the default project's own.
LAYOUT = Path(__file__).resolve().parents[1] / "templates"


def layout_files() -> list[Path]:
    """The default project's layout templates, without its brief-specific prose."""
    if not (LAYOUT / "report.html.j2").is_file():
        raise UsageError(f"the default templates are missing at {LAYOUT}; reinstall brief")
    return sorted(
        p for p in LAYOUT.rglob("*") if p.is_file() and "prose" not in p.relative_to(LAYOUT).parts
    )


def new_project(target: Path) -> list[Path]:
    """Create a brief project in `target` (which must be empty or absent); return the files."""
    if target.exists() and any(target.iterdir()):
        raise UsageError(f"{target} is not empty; choose a new folder")
    written: list[Path] = []
    for source in sorted(p for p in SCAFFOLD.rglob("*") if p.is_file()):
        dest = target / source.relative_to(SCAFFOLD)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    for source in layout_files():
        dest = target / "templates" / source.relative_to(LAYOUT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        written.append(dest)
    return written
