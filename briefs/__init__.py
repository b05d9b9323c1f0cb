"""brief: turns a source-checked fact file into bilingual briefings (HTML and PDF)."""

from pathlib import Path

__version__ = "0.1.0"

# The default theme: page templates, stylesheets and interface strings (see briefs.render). It is
# named here so that deciding whether to rebuild (briefs.incremental) imports nothing heavy.
THEME = Path(__file__).parent / "theme"
