"""What a first brief on a new topic gets wrong in print: dates past the cut-off, wording."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from briefs.cli import app

FACTS = "facts/facts.yaml"


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _timeline(html: str) -> str:
    start = html.index('id="sec-timeline"')
    return _text(html[start : html.index("</section>", start)])


def test_an_event_after_the_cutoff_reads_as_scheduled(example: Path, runner: CliRunner) -> None:
    _append(example / "facts/sources/example.txt", "\n示例市数据交易大会定于2026年11月27日举办。\n")
    _append(
        example / FACTS,
        """  - id: data-fair-2026
    section: progress
    theme: data
    date: "2026-11-27"
    label: {zh: 示例市数据交易大会举办, en: Example City data fair held}
    text:
      zh: 示例市数据交易大会定于2026年11月举办。
      en: Example City's data fair is set for November 2026.
    source: example-bulletin
    quote: "示例市数据交易大会定于2026年11月27日举办"
""",
    )
    _append(example / "facts/brief.yaml", 'information_cutoff: "2025-11"\n')
    result = runner.invoke(app, ["build", "--project", str(example)])
    assert result.exit_code == 0, result.output
    zh = (example / "build/zh/example-brief.html").read_text(encoding="utf-8")
    en = (example / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "示例市数据交易大会举办 （预定）" in _timeline(zh)
    assert "Example City data fair held (scheduled)" in _timeline(en)
    # The event before the cut-off is not marked.
    assert "Example City data exchange opens (scheduled)" not in _timeline(en)
    assert "Example City data exchange opens" in _timeline(en)
    # A cut-off month is "in", not "on".
    assert "The information in this brief ends in November 2025" in _text(en)


def test_a_cutoff_day_reads_on(example: Path, runner: CliRunner) -> None:
    _append(example / "facts/brief.yaml", 'information_cutoff: "2025-03-14"\n')
    result = runner.invoke(app, ["build", "--project", str(example), "--lang", "en"])
    assert result.exit_code == 0, result.output
    en = (example / "build/en/example-brief.html").read_text(encoding="utf-8")
    assert "The information in this brief ends on 14 March 2025," in _text(en)
