"""Turn the facts a rendered page cites into the JSON data its PDF carries as an attachment."""

from __future__ import annotations

import json
import re

from briefs.facts.project import Project
from briefs.publish.pdf import Attached

_CITED = re.compile(r'data-fact="([^"]+)"')


def _cited_in_page(html: str) -> list[str]:
    """The ids of the facts a page cites (figures and claims), in order of first citation."""
    seen: dict[str, None] = {}
    for match in _CITED.finditer(html):
        for fact_id in match.group(1).split():
            seen.setdefault(fact_id, None)
    return list(seen)


def facts_data(
    project: Project, html: str, lang: str, pages: dict[str, str] | None = None
) -> Attached:
    """The brief's data for one page: every fact it cites with value, unit, period, kind,
    source, quote and the page it stands on, and the sources themselves, as UTF-8 JSON with a
    stable layout."""
    pages = pages or {}
    brief = project.brief
    ids = [i for i in _cited_in_page(html) if i in project.facts]
    used = {project.facts[i].source for i in ids}
    payload = {
        "brief": {
            "id": brief.id,
            "title": brief.title.get(lang),
            "language": lang,
            "edition": brief.as_of,
        },
        "sources": [
            {
                "id": s.id,
                "language": s.language,
                "title": dict(s.title),
                "author": dict(s.author) if s.author else None,
                "publisher": dict(s.publisher),
                "date": s.date,
                **({"url": s.url, "accessed": s.accessed} if s.url else {}),
            }
            for s in brief.sources
            if s.id in used
        ],
        "facts": [
            project.facts[i].model_dump(mode="json", by_alias=True, exclude_none=True)
            | ({"page": pages[i]} if i in pages else {})
            for i in ids
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    return Attached(
        name=f"{brief.id}-facts.json",
        content=text.encode("utf-8"),
        description="The facts this brief cites: values, units, periods, kinds, sources, quotes",
        created=brief.as_of,
    )
