"""Turn the pages quotes stand on, and a web source's address, into the forms citations print."""

from __future__ import annotations

from collections.abc import Iterable

from briefs.facts import model
from briefs.numbers import formatting as fmt

# A citation key: the source's id, or `source@page` when the fact's quote stands on a known page.
_AT = "@"


def cite_key(source: str, page: str | None) -> str:
    """The key a fact's footnote is filed under: one footnote per source and page."""
    return f"{source}{_AT}{page}" if page else source


def split_key(key: str) -> tuple[str, str | None]:
    """The source and the page a citation key names."""
    source, _, page = key.partition(_AT)
    return source, page or None


def _ordered(pages: Iterable[str]) -> list[str]:
    unique = set(pages)
    return sorted(unique, key=lambda p: (not p.isdigit(), int(p) if p.isdigit() else 0, p))


def page_words(pages: Iterable[str], lang: str) -> str:
    """Pages as a note gives them: p. 2, pp. 2, 5 / 第2页, 第2、5页 ("" for none)."""
    labels = _ordered(pages)
    if not labels:
        return ""
    if lang == "zh":
        return f"第{'、'.join(labels)}页"
    return f"{'p.' if len(labels) == 1 else 'pp.'} {', '.join(labels)}"


def gbt_pages(pages: Iterable[str]) -> str:
    """Pages in GB/T 7714's form, after the year of a reference: ": 2, 5" ("" for none)."""
    labels = _ordered(pages)
    return f": {', '.join(labels)}" if labels else ""


def web_part(src: model.Source, lang: str) -> str:
    """A web source's address and the date it was read, as a reference ends ("" for none)."""
    if not src.url:
        return ""
    accessed = src.accessed
    if lang == "zh":
        when = f"（{fmt.date(accessed, lang)}访问）" if accessed else ""
        return f"{src.url}{when}"
    when = f"Accessed {fmt.date(accessed, lang)}. " if accessed else ""
    return f"{when}{src.url}."
