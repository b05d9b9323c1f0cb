"""Turn the default brief's HTML into golden text files (tests/golden/<lang>.txt)."""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from briefs.build.pipeline import build, visible_text

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


def golden_text(html: str) -> str:
    """The reader-visible text of a page, one non-empty line per line, whitespace collapsed."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in visible_text(html).splitlines())
    return "\n".join(line for line in lines if line) + "\n"


def regenerate(root: Path = ROOT, target: Path = GOLDEN) -> list[Path]:
    """Build the default brief in a scratch folder and write its golden texts."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        build(root, out, ("zh", "en"), ("report",), force=True)
        for lang in ("zh", "en"):
            html = (out / lang / "china-asean-digital.html").read_text(encoding="utf-8")
            path = target / f"{lang}.txt"
            path.write_text(golden_text(html), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in regenerate():
        print(f"wrote {path.relative_to(ROOT)}")
    sys.exit(0)
