"""brief: turns a source-checked fact file into bilingual briefings (HTML and PDF)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("brief")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"
