"""The command line end to end, on the example project that `brief new` creates."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from typer.testing import CliRunner

from briefs import __version__
from briefs.cli import app


def _pdf_text(path: Path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


def _embedded_fonts(path: Path) -> dict[str, bool]:
    """Map each font's base name to whether its glyph program is embedded in the PDF."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"brief {__version__}"


def test_help_explains_commands_and_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("build", "check", "new", "Exit codes"):
        assert word in result.output
    build_help = runner.invoke(app, ["build", "--help"])
    assert "--lang" in build_help.output and "--out" in build_help.output


def test_build_writes_both_languages(built_example: Path) -> None:
    for lang in ("zh", "en"):
        folder = built_example / "build" / lang
        for name in (
            "example-brief.html",
            "example-brief.pdf",
            "example-brief-memo.pdf",
            "digital-economy-size.svg",
            "style.css",
            "fonts.css",
        ):
            assert (folder / name).is_file(), f"{lang}/{name} missing"


def test_pdf_pages_and_embedded_fonts(built_example: Path) -> None:
    for lang in ("zh", "en"):
        report = built_example / "build" / lang / "example-brief.pdf"
        assert len(PdfReader(report).pages) >= 3
        memo = built_example / "build" / lang / "example-brief-memo.pdf"
        assert len(PdfReader(memo).pages) == 1
        fonts = _embedded_fonts(report)
        assert fonts, "no fonts in the PDF"
        assert all(fonts.values()), f"fonts not embedded: {fonts}"
        families = " ".join(fonts)
        assert "Noto-Serif-SC" in families
        if lang == "en":
            assert "Source-Serif-4" in families


def test_chinese_text_in_pdf_is_the_text_put_in(built_example: Path) -> None:
    text = _pdf_text(built_example / "build" / "zh" / "example-brief.pdf")
    # Prose from the template and figures formatted from the facts, as a reader would copy them.
    assert "示例市数字经济规模由2023年的1200亿元增至2024年的1380亿元" in text
    assert "数字人才缺口约3万人" in text
    english = _pdf_text(built_example / "build" / "en" / "example-brief.pdf")
    assert "RMB120billionin2023toRMB138billionin2024" in english


def test_charts_are_text_in_the_pdf_and_outlines_on_screen(built_example: Path) -> None:
    folder = built_example / "build" / "zh"
    # In print, chart labels are real text in the brief's fonts: a reader can search and copy
    # them. The y axis ticks (up to 1600) and the unit appear in the chart only.
    text = _pdf_text(folder / "example-brief.pdf")
    html = (folder / "example-brief.html").read_text(encoding="utf-8")
    assert "1600" in text and "1600" not in html
    assert "亿元" in text
    # On screen the SVG is an image, which cannot reach the page's fonts: glyphs are outlines.
    svg = (folder / "digital-economy-size.svg").read_text(encoding="utf-8")
    assert "<text" not in svg and "<path" in svg
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".print")]
    assert leftovers == [], "the print copies are removed from the output folder"


def test_html_is_self_contained(built_example: Path) -> None:
    folder = built_example / "build" / "zh"
    html = (folder / "example-brief.html").read_text(encoding="utf-8")
    assert "site-packages" not in html and "http://" not in html and "https://" not in html
    for ref in re.findall(r'(?:src|href)="([^"#]+)"', html):
        assert (folder / ref).is_file(), f"{ref} is referenced but not in the output folder"
    css = (folder / "fonts.css").read_text(encoding="utf-8")
    for ref in re.findall(r"url\('([^']+)'\)", css):
        assert (folder / ref).is_file()


def test_html_figures_are_machine_readable(built_example: Path) -> None:
    html = (built_example / "build" / "zh" / "example-brief.html").read_text(encoding="utf-8")
    assert (
        '<data class="fact kind-actual" value="138000000000" data-fact="digital-economy-2024"'
        in html
    )


def test_check_prints_a_summary(example: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--project", str(example)])
    assert result.exit_code == 0, result.output
    assert "8 facts from 1 source, 1 chart, 8 quotes verified" in result.output


def test_single_language_and_out_folder(example: Path, tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "elsewhere"
    result = runner.invoke(
        app, ["build", "--project", str(example), "--lang", "en", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "en" / "example-brief.pdf").is_file()
    assert not (out / "zh").exists()


def test_unknown_language_is_a_usage_error(example: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["build", "--project", str(example), "--lang", "fr"])
    assert result.exit_code == 4
    assert "unknown language 'fr'" in result.output


def test_not_a_project(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "--project", str(tmp_path)])
    assert result.exit_code == 4
    assert "is not a brief project" in result.output
    assert "Traceback" not in result.output


def test_new_refuses_a_non_empty_folder(example: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["new", str(example)])
    assert result.exit_code == 4
    assert "is not empty" in result.output


def test_information_cutoff_is_the_newest_source_unless_given(
    example: Path, runner: CliRunner
) -> None:
    build = ["build", "--project", str(example), "--lang", "en", "--variant", "memo"]
    result = runner.invoke(app, build)
    assert result.exit_code == 0, result.output
    assert "(1 page)" in result.output
    memo = example / "build" / "en" / "example-brief-memo.html"
    # The example's one source is dated 2025-03; its edition date is 2025-06-30.
    assert "Information to March 2025" in memo.read_text(encoding="utf-8")
    brief_yaml = example / "facts" / "brief.yaml"
    with brief_yaml.open("a", encoding="utf-8") as out:
        out.write('information_cutoff: "2025-04-02"\n')
    result = runner.invoke(app, build)
    assert result.exit_code == 0, result.output
    assert "Information to 2 April 2025" in memo.read_text(encoding="utf-8")
