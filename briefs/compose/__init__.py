"""Turn a checked Project, a language and an edition into HTML: view data, citations, templates."""
