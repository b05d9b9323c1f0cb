"""Turn a `brief new` project's Markdown prose into the same prose in HTML, for the tests of HTML
prose (the default brief's own prose is HTML)."""

from __future__ import annotations

import shutil
from pathlib import Path

HTML_PROSE = Path(__file__).resolve().parent / "html_prose"


def html_prose(project: Path) -> Path:
    """Rewrite a `brief new` project's prose in HTML (`brief new` writes Markdown), for the tests
    of what HTML prose may hold; tests/html_prose/ says the same as the scaffold's Markdown."""
    prose = project / "templates" / "prose"
    for lang in ("zh", "en"):
        for page in (prose / lang).glob("*.md"):
            page.unlink()
        for page in (HTML_PROSE / lang).glob("*.html.j2"):
            shutil.copyfile(page, prose / lang / page.name)
    return project
