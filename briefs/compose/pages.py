"""Turn the pages quotes stand on, and a web source's address, into the forms citations print."""

from __future__ import annotations

import re
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
    def number(page: str) -> int:
        digits = re.match(r"\d+", page)
        return int(digits.group()) if digits else 0

    return sorted(set(pages), key=lambda p: (number(p) == 0, number(p), p))


def page_words(pages: Iterable[str], lang: str) -> str:
    """Pages as a note gives them: p. 2, pp. 2, 5, pp. 149–153, pp. 155 ff. / 第2页, 第2、5页,
    第149—153页, 第155页起 ("" for none)."""
    labels = _ordered(pages)
    if not labels:
        return ""
    if lang == "zh":
        shown = [
            f"{p.removesuffix(' ff.')}页起" if p.endswith(" ff.") else f"{p.replace('–', '—')}页"
            for p in labels
        ]
        return "第" + "、".join(shown).replace("页、", "、")
    single = len(labels) == 1 and not re.search(r"–| ff\.", labels[0])
    return f"{'p.' if single else 'pp.'} {', '.join(labels)}"


def _span(pages: Iterable[str]) -> tuple[str, str, bool] | None:
    """The first and last page cited, and whether the last runs on ("155 ff.")."""
    labels = _ordered(pages)
    if not labels:
        return None
    first = re.split(r"–", labels[0])[0]
    last = re.split(r"–", labels[-1])[-1]
    open_end = last.endswith(" ff.")
    return first.removesuffix(" ff."), last.removesuffix(" ff."), open_end


def page_span(pages: Iterable[str], lang: str) -> str:
    """The pages a reference cites, first to last: pp. 148–154 / pp. 148 ff. / 第148—154页."""
    span = _span(pages)
    if span is None:
        return ""
    first, last, open_end = span
    if open_end:
        return f"第{first}页起" if lang == "zh" else f"pp. {first} ff."
    if first == last:
        return f"第{first}页" if lang == "zh" else f"p. {first}"
    return f"第{first}—{last}页" if lang == "zh" else f"pp. {first}–{last}"


def gbt_pages(pages: Iterable[str]) -> str:
    """Pages in GB/T 7714's form, after the year of a reference: ": 148-154" ("" for none)."""
    span = _span(pages)
    if span is None:
        return ""
    first, last, open_end = span
    return f": {first}" + (
        "" if first == last and not open_end else "-" if open_end else f"-{last}"
    )


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
