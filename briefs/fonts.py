"""Turn the packaged fonts into small cached subsets for the brief's PDF, HTML and charts."""

from __future__ import annotations

import hashlib
import json
import os
import string
from dataclasses import dataclass
from pathlib import Path

import fontpkg_source_sans_3
import fontpkg_source_serif_4
import pylopdf_fonts_zh_cn

from briefs.files import write_atomic

# Typographic characters that layout may add (hyphens, quotes, dashes) beyond the project's own
# text; the formatter's words come from formatting.emitted_text().
EXTRA_CHARS = (
    string.printable
    + "\u2010\u2011\u00ad–—‘’“”…·•×→←↑↓§¶°±≤≥%‰　、。，：；？！（）《》〈〉【】「」『』￥"
)


@dataclass(frozen=True)
class Face:
    """One font face: a family name, a weight and style, and where its full file lives."""

    family: str
    weight: int
    style: str
    source: Path
    variable: bool

    @property
    def stem(self) -> str:
        name = self.family.replace(" ", "")
        return f"{name}-{self.weight}{'i' if self.style == 'italic' else ''}"


def _faces() -> list[Face]:
    serif = Path(fontpkg_source_serif_4.ROOT) / "files"
    sans = Path(fontpkg_source_sans_3.ROOT) / "files"
    faces = [
        Face("Noto Serif SC", 400, "normal", pylopdf_fonts_zh_cn.serif_path(), False),
        Face("Noto Sans SC", 400, "normal", pylopdf_fonts_zh_cn.sans_path(), False),
    ]
    for weight in (400, 600, 700):
        faces.append(
            Face("Source Serif 4", weight, "normal", serif / "SourceSerif4[opsz,wght].ttf", True)
        )
        faces.append(Face("Source Sans 3", weight, "normal", sans / "SourceSans3[wght].ttf", True))
    for weight in (400, 700):
        faces.append(
            Face(
                "Source Serif 4",
                weight,
                "italic",
                serif / "SourceSerif4-Italic[opsz,wght].ttf",
                True,
            )
        )
    faces.append(Face("Source Sans 3", 400, "italic", sans / "SourceSans3-Italic[wght].ttf", True))
    return faces


FACES = _faces()


@dataclass(frozen=True)
class FontSet:
    """Subset fonts written to the cache, ready to copy next to the outputs."""

    directory: Path
    files: dict[Face, Path]
    codepoints: frozenset[int]

    def css(self, web: bool) -> str:
        """@font-face rules: WOFF2 under fonts/ for browsers, or the cached files for print."""
        rules = []
        for face, path in self.files.items():
            url = f"fonts/{path.with_suffix('.woff2').name}" if web else path.resolve().as_uri()
            rules.append(
                f"@font-face {{ font-family: '{face.family}'; font-weight: {face.weight}; "
                f"font-style: {face.style}; src: url('{url}'); }}"
            )
        return "\n".join(rules)

    def web_files(self) -> list[Path]:
        """The WOFF2 files a browser loads, one per face."""
        return [path.with_suffix(".woff2") for path in self.files.values()]

    def missing(self, text: str) -> list[str]:
        """Return the characters of `text` that none of the faces can draw, in order."""
        return sorted({c for c in text if ord(c) not in self.codepoints and not c.isspace()})


def default_cache() -> Path:
    """The machine-wide cache of subset fonts and charts (content-addressed, safe to share)."""
    explicit = os.environ.get("BRIEF_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "brief"


def charset_of(paths: list[Path], extra: str = "") -> frozenset[str]:
    """Collect every character the project's own text files (and the code) can produce."""
    chars = set(EXTRA_CHARS) | set(extra)
    for path in paths:
        chars.update(path.read_text(encoding="utf-8"))
    return frozenset(c for c in chars if c.isprintable() or c == " ")


# Latin faces get one fixed repertoire (Latin, punctuation, currency, arrows), so their subsets are
# made once per machine whatever the project says; only the CJK subsets follow the project's text.
LATIN = frozenset(
    chr(c)
    for lo, hi in (
        (0x20, 0x24F),
        (0x2000, 0x206F),
        (0x20A0, 0x20BF),
        (0x2100, 0x215F),
        (0x2190, 0x2199),
        (0x2212, 0x2212),
    )
    for c in range(lo, hi + 1)
)


def _chars_for(face: Face, charset: frozenset[str]) -> frozenset[str]:
    return charset if face.family.endswith(" SC") else LATIN


def _digest(face: Face, chars: frozenset[str]) -> str:
    h = hashlib.sha256()
    h.update(f"{face.stem}:{face.source.stat().st_size}:v6".encode())
    h.update("".join(sorted(chars)).encode())
    return h.hexdigest()[:16]


# Beyond HarfBuzz's default layout features, keep the numeral and CJK spacing features.
_FEATURES = ("onum", "lnum", "tnum", "pnum", "halt", "palt", "vert")


def _make(face: Face, chars: frozenset[str], out: Path) -> None:
    """Subset (and, for a variable font, instance) one face with HarfBuzz; write sfnt and WOFF2.

    HarfBuzz's subsetter (through the uharfbuzz wheel) does in milliseconds what fontTools
    needs seconds for, and pins variable axes in the same pass.
    """
    import uharfbuzz as hb

    source = hb.Face(hb.Blob.from_file_path(str(face.source)))
    request = hb.SubsetInput()
    request.unicode_set.update(ord(c) for c in chars)
    for tag in _FEATURES:
        request.layout_feature_tag_set.add(int.from_bytes(tag.encode("ascii"), "big"))
    request.name_id_set.update(range(0, 300))  # keep every name: charts find faces by family
    request.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    if face.variable:
        request.pin_all_axes_to_default(source)
        request.pin_axis_location(source, "wght", float(face.weight))
    data = hb.subset(source, request).blob.data
    if not data:
        raise RuntimeError(f"HarfBuzz could not subset {face.source.name}")
    # Browsers get WOFF2 (about 25% smaller); WeasyPrint reads the plain file faster. The plain
    # file comes last: its presence says the face is complete.
    write_atomic(out.with_suffix(".woff2"), _woff2(data))
    _write_codepoints(out, sorted(hb.Face(data).unicodes))
    write_atomic(out, data)


def _write_codepoints(font: Path, points: list[int]) -> None:
    write_atomic(font.with_suffix(".codepoints.json"), json.dumps(points))


def _woff2(sfnt: bytes) -> bytes:
    """Wrap a font as WOFF2 with Brotli quality 9.

    fontTools always compresses at quality 11, which takes about two seconds for a CJK subset
    for a file only 7% smaller; quality 9 takes a fiftieth of that.
    """
    import io

    import brotli
    from fontTools.ttLib import TTFont, woff2

    class _Brotli:
        MODE_FONT = brotli.MODE_FONT

        @staticmethod
        def compress(data: bytes, mode: int = brotli.MODE_GENERIC) -> bytes:
            return bytes(brotli.compress(data, mode=mode, quality=9))

    font = TTFont(io.BytesIO(sfnt), lazy=True)
    font.flavor = "woff2"
    buffer = io.BytesIO()
    saved = woff2.brotli
    woff2.brotli = _Brotli
    try:
        font.save(buffer, reorderTables=False)
    finally:
        woff2.brotli = saved
    return buffer.getvalue()


def build_fonts(cache: Path, charset: frozenset[str]) -> FontSet:
    """Subset every face to the characters it serves, reusing cached subsets from earlier builds."""
    directory = cache / "fonts"
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[Face, Path] = {}
    todo: list[tuple[Face, frozenset[str], Path]] = []
    for face in FACES:
        chars = _chars_for(face, charset)
        suffix = ".otf" if face.source.suffix == ".otf" else ".ttf"
        out = directory / f"{face.stem}-{_digest(face, chars)}{suffix}"
        if not out.exists():
            todo.append((face, chars, out))
        files[face] = out
    for face, chars, out in todo:  # HarfBuzz takes milliseconds a face: no need for processes
        _make(face, chars, out)
    return FontSet(directory, files, frozenset(_codepoints(tuple(files.values()))))


def _codepoints(paths: tuple[Path, ...]) -> set[int]:
    """The characters the fonts can draw, read from a list kept beside each font file."""
    points: set[int] = set()
    for path in paths:
        listing = path.with_suffix(".codepoints.json")
        try:
            points.update(json.loads(listing.read_text(encoding="utf-8")))
            continue
        except (OSError, ValueError):
            pass
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as font:
            found = sorted(font["cmap"].getBestCmap())
        _write_codepoints(path, found)
        points.update(found)
    return points
