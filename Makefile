# Two entry points for a fresh machine (Python 3.11 + pip): `make brief` and `make test`.
# Both create the virtual environment on first use and reinstall when pyproject.toml changes.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: brief test lint bench golden screenshots reference a11y

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

brief: $(STAMP)
	$(VENV)/bin/brief build --lang all

test: $(STAMP)
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check briefs tests benchmarks
	$(VENV)/bin/ruff format --check briefs tests benchmarks
	$(VENV)/bin/mypy briefs benchmarks

bench: $(STAMP)
	$(VENV)/bin/pip install --quiet -e '.[test,bench]'
	$(VENV)/bin/python benchmarks/bench.py

golden: $(STAMP)
	$(VENV)/bin/python -m briefs.golden

reference: $(STAMP)
	$(VENV)/bin/python -m briefs.docs README.md

# Needs node, Chromium and A11Y_TOOLS (README, Development); not part of `make test`'s installs.
a11y: brief
	node tools/a11y.mjs build

screenshots: brief
	mkdir -p docs
	pdftoppm -r 60 -png -f 1 -l 1 -singlefile build/zh/china-asean-digital.pdf docs/page-zh
	pdftoppm -r 60 -png -f 1 -l 1 -singlefile build/en/china-asean-digital.pdf docs/page-en
