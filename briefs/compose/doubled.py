"""Turn rendered prose into the figures whose own qualifier or prefix the words before repeat."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A figure as rendered: its fact ids and its text (with the span that keeps number and unit).
_FIGURE = re.compile(r'<data\b[^>]*\sdata-fact="([^"]+)"[^>]*>(.*?)</data>', re.S)
_TAGS = re.compile(r"<[^>]+>")
# The words a figure prints before its number: 约, 超过, 人均, about, more than, US$ …
_HEAD = re.compile(r"^([^\d\s]+(?: [a-z]+)*?)\s?(?=[^\s]*\d)")


@dataclass(frozen=True)
class Doubled:
    """A figure printed after words that already say what it begins with (达约约275万吨)."""

    fact: str
    words: str


def doubled(html: str) -> list[Doubled]:
    """Figures whose leading words (a qualifier, 人均, a currency) the prose also typed just
    before them, so that the page reads them twice."""
    found = []
    for match in _FIGURE.finditer(html):
        shown = _TAGS.sub("", match[2]).strip()
        head = _HEAD.match(shown)
        if head is None or not any(c.isalpha() for c in head[1]):
            continue
        before = _TAGS.sub("", html[max(0, match.start() - 200) : match.start()]).rstrip()
        if before.lower().endswith(head[1].lower()):
            found.append(Doubled(match[1].split()[0], head[1]))
    return found
