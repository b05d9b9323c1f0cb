"""Footnotes follow from the facts a paragraph cites: never typed, never missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markupsafe import Markup
from typer.testing import CliRunner

from briefs.cli import app
from briefs.compose.citations import Citations, cite
from briefs.compose.notes import uncovered
from briefs.errors import InputError

CITATIONS = Citations(
    sources={"gdp": ("bureau",), "view": ("paper",), "jobs": ("bureau",)},
    footnote={
        "bureau": Markup('<span class="footnote" data-source="bureau">B</span>'),
        "paper": Markup('<span class="footnote" data-source="paper">P</span>'),
    },
    inline={
        "bureau": Markup('<a class="cite" data-source="bureau">[1]</a>'),
        "paper": Markup('<a class="cite" data-source="paper">[2]</a>'),
    },
)
FIGURE = '<data data-fact="gdp">5</data>'
CLAIM = '<span class="claim" data-fact="view">the paper calls it slow</span>'


def _cite(html: str, inline: bool = False) -> str:
    return cite(html, CITATIONS, Path("templates/prose/en/x.html.j2"), inline)


def _sources_of_notes(html: str) -> list[list[str]]:
    """Each note group's sources, in order."""
    groups = re.findall(r'<span class="fn">(.*?)</span></span>', html)
    return [re.findall(r'data-source="(\w+)"', group) for group in groups]


def test_each_sentence_that_cites_facts_ends_in_notes_for_their_sources() -> None:
    html = _cite(
        f"<p>Output was {FIGURE} in 2024, up from 2023. Still, {CLAIM}. "
        'Jobs rose to <data data-fact="jobs">9</data>.</p>'
    )
    assert html == (
        f"<p>Output was {FIGURE} in 2024, up from 2023"
        '<span class="fn">.<span class="footnote" data-source="bureau">B</span></span>'
        f' Still, {CLAIM}<span class="fn">.<span class="footnote" data-source="paper">P</span>'
        '</span> Jobs rose to <data data-fact="jobs">9</data><span class="fn">.'
        '<span class="footnote" data-source="bureau">B</span></span></p>'
    )


def test_a_run_of_sentences_on_the_same_source_shares_one_note() -> None:
    jobs = '<data data-fact="jobs">9</data>'
    html = _cite(f"<p>Output was {FIGURE}. Jobs rose to {jobs}. Our view differs. {CLAIM}.</p>")
    assert _sources_of_notes(html) == [["bureau"], ["paper"]]
    assert html.index('data-source="bureau"') > html.index(jobs)
    # A sentence without a fact breaks a run: the note before it does not reach past it.
    html = _cite(f"<p>Output was {FIGURE}. Our view differs. Jobs rose to {jobs}.</p>")
    assert _sources_of_notes(html) == [["bureau"], ["bureau"]]


def test_a_sentence_citing_two_sources_ends_in_both_even_if_one_was_noted_before() -> None:
    html = _cite(f"<p>Output was {FIGURE}. Output was {FIGURE} and {CLAIM}.</p>")
    assert _sources_of_notes(html) == [["bureau"], ["bureau", "paper"]]


def test_a_claim_over_two_sentences_is_noted_after_the_second() -> None:
    claim = '<span class="claim" data-fact="view">It is slow. It will stay slow</span>'
    html = _cite(f"<p>Output was {FIGURE}. {claim}. Fine.</p>")
    assert _sources_of_notes(html) == [["bureau"], ["paper"]]
    assert 'stay slow</span><span class="fn">.' in html


def test_the_notes_are_read_back_as_a_reader_reads_them() -> None:
    # The notes an earlier brief placed: one per source, after its first sentence. The third
    # sentence cites both sources but ends in the paper's note alone.
    placed = (
        f'<p>Output was {FIGURE}<span class="fn">.{CITATIONS.footnote["bureau"]}</span> '
        f'Output was {FIGURE} and {CLAIM}<span class="fn">.{CITATIONS.footnote["paper"]}</span>'
        "</p>"
    )
    missed = uncovered(placed, CITATIONS.sources)
    assert [(m.fact, m.missing) for m in missed] == [("gdp", ("bureau",))]
    assert missed[0].text.startswith("Output was 5 and the paper")
    placed_now = _cite(f"<p>Output was {FIGURE}. Output was {FIGURE} and {CLAIM}.</p>")
    assert uncovered(placed_now, CITATIONS.sources) == []
    # A stretch with no note at all.
    assert [m.fact for m in uncovered(f"<p>Output was {FIGURE}.</p>", CITATIONS.sources)] == ["gdp"]


def test_calls_at_one_place_are_grouped_and_glued_to_the_full_stop() -> None:
    html = _cite(f"<p>据统计，规模为{FIGURE}，{CLAIM}。后文。</p>")
    group = re.search(r'<span class="fn">(.*?)</span></span>', html)
    assert group is not None
    assert group.group(1).startswith("。")
    assert re.findall(r'data-source="(\w+)"', group.group(1)) == ["bureau", "paper"]
    assert html.endswith("后文。</p>")


def test_no_full_stop_means_the_end_of_the_paragraph_glued_to_the_figure() -> None:
    html = _cite(f"<li>Output: {FIGURE}</li>")
    assert (
        html == f'<li>Output: <span class="fn">{FIGURE}{CITATIONS.footnote["bureau"]}</span></li>'
    )


def test_abbreviations_do_not_end_a_sentence() -> None:
    html = _cite(f"<p>The U.S. figure is {FIGURE}, e.g. a low one. Next.</p>")
    assert 'one<span class="fn">.' in html


def test_summaries_cite_inline() -> None:
    html = _cite(f"<li>{CLAIM}; output was {FIGURE}.</li>", inline=True)
    assert html.endswith(
        '<span class="fn">.<a class="cite" data-source="paper">[2]</a>'
        '<a class="cite" data-source="bureau">[1]</a></span></li>'
    )
    assert "footnote" not in html


def test_a_typed_footnote_is_refused() -> None:
    with pytest.raises(InputError, match="footnotes are generated from the facts"):
        _cite('<p>Said so.<span class="footnote">Someone (2024)</span></p>')


def test_a_figure_outside_a_paragraph_is_refused() -> None:
    with pytest.raises(InputError, match="'gdp' is cited outside a paragraph or list item"):
        _cite(f"<h3>Output of {FIGURE}</h3>")


def test_a_claim_on_a_computed_figure_is_refused() -> None:
    with pytest.raises(InputError, match="cites 'growth', which is not a fact"):
        _cite('<p><span class="claim" data-fact="growth">x</span>.</p>')


def _edit(project: Path, rel: str, old: str, new: str) -> int:
    path = project / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, text.index(old)) + 1


def test_a_footnote_without_a_fact_cannot_be_typed(example: Path, runner: CliRunner) -> None:
    rel = "templates/prose/zh/background.md"
    line = _edit(example, rel, "的结构。", '的结构。{{ N["example-bulletin"] }}')
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 1
    assert f"{rel}:{line}: " in result.output
    assert 'N["example-bulletin"]: footnotes are generated from the facts' in result.output
    assert '{% call claim("fact-id") %}' in result.output


def test_a_claim_names_a_fact_not_a_source(example: Path, runner: CliRunner) -> None:
    rel = "templates/prose/en/background.md"
    _edit(example, rel, "This brief", "[This brief")
    _edit(example, rel, "laid out.", "laid out](claim:example-bulletin).")
    _edit(example, "templates/prose/en/challenges.md", "talent-main-constraint", "talent-gap-x")
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 1
    assert "claim cites the source 'example-bulletin': cite a fact of that source" in result.output
    assert "claim cites unknown fact 'talent-gap-x'" in result.output


def test_every_cited_fact_has_its_source_footnoted(built_example: Path) -> None:
    for lang in ("zh", "en"):
        html = (built_example / "build" / lang / "example-brief.html").read_text(encoding="utf-8")
        prose = html[html.index('id="sec-findings"') : html.index('id="sec-timeline"')]
        paragraphs = re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", prose, re.S)
        cited = [p for p in paragraphs if "data-fact=" in p]
        assert len(cited) == 6
        for paragraph in cited:
            assert re.findall(r'<a class="cite" data-source="([^"]+)"', paragraph) == [
                "example-bulletin"
            ], paragraph
        claims = re.findall(r'<span class="claim" data-fact="([^"]+)">', html)
        assert claims == [
            "data-exchange-opening-2024",
            "talent-main-constraint",
            "data-centre-cluster-2027",
        ]
