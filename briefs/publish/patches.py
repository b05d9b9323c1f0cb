"""Turn the installed WeasyPrint, pydyf and standard library into what brief's PDFs need: every
patch of their private code, each applied only after checking that its target has the shape the
patch was written for.

Each patch works around a bug written up in docs/upstream/ (with a minimal reproduction), so it can
go once the bug is fixed upstream. pyproject.toml pins WeasyPrint and pydyf to the versions the
patches are tested with; the shape checks catch an install that slipped outside that range.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from briefs.errors import RenderError
from briefs.publish import continuation

TESTED = ("weasyprint>=68,<71", "pydyf>=0.11,<0.14")
_MARK = "brief_patched"


@dataclass(frozen=True)
class Patch:
    """One change to a dependency: where, why (the write-up), how to check it, how to apply it."""

    target: str
    writeup: str
    check: Callable[[], str | None]  # None when the target has the expected shape, else why not
    apply: Callable[[], None]


def _parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def _check_linebox() -> str | None:
    from weasyprint.layout import LayoutContext, block

    expected = ["context", "box", "index", "child", "new_children", "page_is_empty"]
    function = getattr(block, "_linebox_layout", None)
    if function is None:
        return "it no longer exists"
    if _parameters(getattr(function, "__wrapped__", function))[:6] != expected:
        return f"its parameters are no longer {', '.join(expected)}, …"
    if "_linebox_layout" not in block.block_container_layout.__code__.co_names:
        return "block_container_layout no longer calls it by name"
    if not all(hasattr(LayoutContext, name) for name in ("layout_footnote", "report_footnote")):
        return "LayoutContext no longer has layout_footnote and report_footnote"
    return None


def _apply_linebox() -> None:
    """After a line squeezed onto a full page (earlier footnotes moved on to make room), lay out
    the footnotes called in that line and move them to the next page, as the spec allows;
    WeasyPrint keeps the line but never lays them out, so their text is printed nowhere."""
    from weasyprint.layout import block

    original = block._linebox_layout
    if getattr(original, _MARK, False):
        return

    def linebox_layout(context, box, index, child, new_children, *args):  # type: ignore[no-untyped-def]
        result = original(context, box, index, child, new_children, *args)
        abort, stop, new_footnotes = result[0], result[1], result[4]
        if stop and not abort and new_children and context.footnotes:
            for descendant in new_children[-1].descendants():
                footnote = descendant.footnote
                if footnote is not None and footnote in context.footnotes:
                    context.layout_footnote(footnote)
                    context.report_footnote(footnote)
                    new_footnotes.append(footnote)
        return result

    setattr(linebox_layout, _MARK, True)
    linebox_layout.__wrapped__ = original  # type: ignore[attr-defined]
    block._linebox_layout = linebox_layout


_END = b"\nendstream"


def _check_stream() -> str | None:
    import pydyf

    data = vars(pydyf.Stream).get("data")
    if not isinstance(data, property) or data.fget is None:
        return "Stream.data is no longer a property"
    try:
        written = pydyf.Stream([b"q Q"]).data
    except Exception as exc:  # any failure means the shape changed
        return f"Stream([...]).data fails: {type(exc).__name__}"
    if not isinstance(written, bytes) or not written.endswith(_END):
        return "Stream.data no longer ends with 'endstream'"
    return None


def _apply_stream() -> None:
    """End every stream's data with CR LF before `endstream`, where pydyf writes a bare LF.

    With a bare LF, a compressed stream whose last byte happens to be CR (about one in 256: the
    last byte is part of zlib's checksum) reads as data followed by a CR LF end-of-line, so PDF/A
    validators count one byte less than its /Length and reject the file. /Length is unchanged.
    """
    import pydyf

    original = vars(pydyf.Stream)["data"]
    if getattr(original.fget, _MARK, False):
        return

    def data(self: Any) -> bytes:
        text: bytes = original.fget(self)
        return text[: -len(_END)] + b"\r" + _END if text.endswith(_END) else text

    setattr(data, _MARK, True)
    pydyf.Stream.data = property(data)


def _check_wakeups() -> str | None:
    from concurrent.futures import process

    table = getattr(process, "_threads_wakeups", None)
    if table is None or not callable(getattr(table, "clear", None)):
        return "concurrent.futures.process._threads_wakeups is gone"
    return None


def forget_inherited_pools() -> None:
    """In a forked worker, forget the pools' wake-up pipes inherited from the parent.

    At exit Python 3.11 writes to every pipe in that table; in a worker they are the parent's,
    already closed here, and the write prints a "Bad file descriptor" traceback.
    """
    from concurrent.futures import process

    process._threads_wakeups.clear()


def _check_metadata() -> str | None:
    from xml.etree.ElementTree import fromstring

    from weasyprint.pdf.metadata import NS, DocumentMetadata

    expected = ["self", "pdf", "variant", "version", "conformance", "compress"]
    if _parameters(DocumentMetadata.include_in_pdf) != expected:
        return f"DocumentMetadata.include_in_pdf no longer takes ({', '.join(expected)})"
    metadata = DocumentMetadata()
    if not isinstance(metadata.xmp_metadata, list):
        return "DocumentMetadata.xmp_metadata is no longer a list"
    rdf = fromstring(metadata.generate_rdf_metadata("a", 3, "a"))
    if rdf.tag != f"{{{NS['rdf']}}}RDF":
        return "generate_rdf_metadata no longer returns an rdf:RDF element"
    return None


def archival_metadata(metadata: Any) -> Any:
    """The document's metadata, made to write a valid XMP packet for PDF/A and PDF/UA.

    WeasyPrint writes each block of its public `xmp_metadata` after its own rdf:RDF element, as a
    second one that XMP does not allow and validators ignore; here the blocks' descriptions join
    the one rdf:RDF. It also compresses the packet when the PDF is compressed, and PDF/A
    validators read it as plain text: it is written uncompressed.
    """
    from xml.etree.ElementTree import fromstring, register_namespace, tostring

    from weasyprint.pdf.metadata import DocumentMetadata

    # PDF/A requires these exact prefixes for the extension schema's namespaces.
    for prefix, uri in _EXTENSION_NS.items():
        register_namespace(prefix, uri)

    class Archival(DocumentMetadata):  # type: ignore[misc]
        xmp_metadata: list[bytes]
        merged: tuple[bytes, ...] = ()

        def include_in_pdf(  # type: ignore[no-untyped-def]
            self, pdf, variant, version, conformance, compress
        ) -> None:
            self.merged, self.xmp_metadata = tuple(self.xmp_metadata), []
            try:
                super().include_in_pdf(pdf, variant, version, conformance, False)
            finally:
                self.xmp_metadata = list(self.merged)

        def generate_rdf_metadata(self, variant, version, conformance) -> bytes:  # type: ignore[no-untyped-def]
            rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            for block in self.merged:
                rdf.extend(fromstring(block))
            data: bytes = tostring(rdf, encoding="utf-8")
            return data

    return Archival(**vars(metadata))


_EXTENSION_NS = {
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}


PATCHES = (
    Patch(
        "weasyprint.layout.block._linebox_layout",
        "docs/upstream/weasyprint-footnotes-of-a-squeezed-line.md",
        _check_linebox,
        _apply_linebox,
    ),
    Patch(
        "pydyf.Stream.data",
        "docs/upstream/pydyf-stream-ending-in-cr.md",
        _check_stream,
        _apply_stream,
    ),
    Patch(
        "weasyprint.pdf.metadata.DocumentMetadata (include_in_pdf, generate_rdf_metadata)",
        "docs/upstream/weasyprint-xmp-metadata-in-pdfa.md",
        _check_metadata,
        lambda: None,  # subclassed per document by archival_metadata()
    ),
    Patch(
        "concurrent.futures.process._threads_wakeups",
        "docs/upstream/python-forked-worker-wakeup-pipes.md",
        _check_wakeups,
        lambda: None,  # cleared in each worker by forget_inherited_pools()
    ),
    Patch(
        "weasyprint.layout (initialize_page_maker, make_margin_boxes, PageType, named strings)",
        "docs/upstream/weasyprint-document-continuation.md",
        continuation.check,
        continuation.apply,
    ),
)


def problems() -> list[str]:
    """What no longer has the shape a patch expects, one line per patch."""
    found = []
    for patch in PATCHES:
        try:
            why = patch.check()
        except (ImportError, AttributeError, TypeError, ValueError) as exc:
            why = f"it cannot be inspected ({type(exc).__name__}: {exc})"
        if why is not None:
            found.append(f"{patch.target}: {why}")
    return found


def apply() -> None:
    """Check every patch's target, then apply them all; fail clearly if one has changed."""
    wrong = problems()
    if wrong:
        installed = f"WeasyPrint {version('weasyprint')} and pydyf {version('pydyf')}"
        raise RenderError(
            f"brief's fixes to its PDF libraries do not fit the installed {installed}: "
            + "; ".join(wrong)
            + ". Install the versions brief is tested with: pip install "
            + " ".join(f"'{pin}'" for pin in TESTED)
        )
    for patch in PATCHES:
        patch.apply()
