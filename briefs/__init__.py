"""brief: turns a source-checked fact file into bilingual briefings (HTML and PDF)."""

__version__ = "0.1.0"
