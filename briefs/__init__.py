"""brief: turns a source-checked fact file into bilingual briefings (HTML and PDF)."""

from pathlib import Path

__version__ = "0.2.0"

# The default theme: page templates, stylesheets and interface strings (see briefs.compose.render).
# It is named here so that deciding whether to rebuild (briefs.build.incremental) imports nothing
# heavy.
THEME = Path(__file__).parent / "theme"
