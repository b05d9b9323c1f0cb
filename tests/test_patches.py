"""Each patch of WeasyPrint, pydyf and the standard library, tested directly: its shape check, the
bug it works around (the reproduction in docs/upstream/), and what it fixes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

import page
import pytest
from packaging.requirements import Requirement

from briefs.errors import RenderError
from briefs.publish import patches
from briefs.publish.pdf import UA_XMP

ROOT = Path(__file__).resolve().parents[1]
UPSTREAM = ROOT / "docs" / "upstream"


def test_every_patch_fits_the_installed_libraries() -> None:
    assert patches.problems() == []
    patches.apply()
    patches.apply()  # twice: a patch is never stacked on itself
    assert patches.problems() == []


def test_the_pins_hold_the_installed_versions_and_name_every_patched_library() -> None:
    pins = {
        Requirement(r).name: Requirement(r)
        for r in tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
            "dependencies"
        ]
    }
    for name in ("weasyprint", "pydyf"):
        assert pins[name].specifier.contains(version(name)), name
        assert any(s.operator == "<" for s in pins[name].specifier), f"{name} has no upper bound"
        tested = [Requirement(t) for t in patches.TESTED if Requirement(t).name == name]
        assert [t.specifier for t in tested] == [pins[name].specifier], name
    for patch in patches.PATCHES:
        assert (ROOT / patch.writeup).is_file(), patch.writeup


def _changed_shapes() -> list[tuple[str, str, object]]:
    from concurrent.futures import process

    import pydyf
    from weasyprint.layout import block
    from weasyprint.pdf.metadata import DocumentMetadata

    def include_in_pdf(self: object, pdf: object, variant: object) -> None:
        return None

    return [
        ("weasyprint.layout.block._linebox_layout", "_linebox_layout", (block, lambda a, b: a)),
        ("pydyf.Stream.data", "Stream.data", (pydyf.Stream, b"")),
        ("DocumentMetadata", "include_in_pdf", (DocumentMetadata, include_in_pdf)),
        ("_threads_wakeups", "_threads_wakeups", (process, None)),
    ]


@pytest.mark.parametrize("case", range(4))
def test_a_patched_target_of_another_shape_fails_clearly(
    case: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, attribute, (owner, replacement) = _changed_shapes()[case]
    name = attribute.split(".")[-1]
    monkeypatch.setattr(owner, name, replacement)
    with pytest.raises(RenderError) as caught:
        patches.apply()
    message = str(caught.value)
    assert target in message
    assert "pip install 'weasyprint>=68,<71' 'pydyf>=0.11,<0.14'" in message


def _reproduction(name: str) -> str:
    text = (UPSTREAM / name).read_text(encoding="utf-8")
    found = re.search(r"```python\n(.*?)```", text, re.S)
    assert found, name
    return found[1]


def _dejavu_sans() -> bool:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return False
    return (
        "DejaVu" in subprocess.run([fc_match, "sans-serif"], capture_output=True, text=True).stdout
    )


def test_footnotes_of_a_squeezed_line_are_printed(tmp_path: Path) -> None:
    """The reproduction drops a note without the patch (the page metrics need the font it was
    reduced with) and prints every note with it."""
    script = _reproduction("weasyprint-footnotes-of-a-squeezed-line.md")
    (tmp_path / "repro.py").write_text(script, encoding="utf-8")
    if _dejavu_sans():
        plain = subprocess.run(
            [sys.executable, "repro.py"], capture_output=True, text=True, cwd=tmp_path, check=True
        )
        assert "notes printed nowhere: ['note010']" in plain.stdout, plain.stdout
    patched = f"from briefs.publish import patches\npatches.apply()\n{script}"
    (tmp_path / "patched.py").write_text(patched, encoding="utf-8")
    fixed = subprocess.run(
        [sys.executable, "patched.py"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "notes printed nowhere: []" in fixed.stdout, fixed.stdout + fixed.stderr


# WeasyPrint 70 leaves its sRGB profile file open after writing a PDF/A in this process (brief
# writes PDFs in worker processes); the warning is about WeasyPrint, not the patch.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_xmp_packet_is_one_plain_rdf_with_the_pdf_ua_identification(tmp_path: Path) -> None:
    from weasyprint import HTML

    patches.apply()
    document = HTML(string="<html lang=en><title>t</title><p>Hello</p>").render(pdf_tags=True)
    document.metadata = patches.archival_metadata(document.metadata)
    document.metadata.xmp_metadata.append(UA_XMP)
    pdf = tmp_path / "out.pdf"
    document.write_pdf(pdf, pdf_variant="pdf/a-3a", pdf_tags=True)
    data = pdf.read_bytes()
    packet = data[data.index(b"<x:xmpmeta") : data.index(b"</x:xmpmeta>")]
    assert packet.count(b"<rdf:RDF") == 1
    assert b'pdfuaid:part="1"' in packet and b"<pdfaSchema:prefix>pdfuaid<" in packet
    assert document.metadata.xmp_metadata == [UA_XMP]  # written once, the list left as given
    failures = {
        f.rule_id for p in ("3a", "ua1") for f in page.validate_pdf(str(pdf), profile=p).failures
    }
    assert not {r for r in failures if "METADATA" in r or "-ID-" in r}, failures


def _wakeups_after_forgetting() -> tuple[int, int]:
    from concurrent.futures import process

    before = len(process._threads_wakeups)
    patches.forget_inherited_pools()
    return before, len(process._threads_wakeups)


def test_a_worker_forgets_the_pools_it_inherited() -> None:
    with ProcessPoolExecutor(max_workers=1) as running:
        running.submit(int).result()  # its wake-up pipe is now in this process's table
        with ProcessPoolExecutor(max_workers=1) as pool:
            before, after = pool.submit(_wakeups_after_forgetting).result()
    assert before >= 1
    assert after == 0
