# Two commands: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench dist screenshots translations clean system-deps

$(STAMP): pyproject.toml
	@bash scripts/system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) scripts/prepare_venv.py
	@touch $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

# Without ARGS the app opens on the bundled (practice) sample packet; `make run ARGS=packet.pdf` opens another.
run: $(STAMP)
	$(VENV)/bin/pia-reviewer $(or $(ARGS),resources/sample/sample-packet.pdf)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(STAMP)
	@bash scripts/system-deps.sh bench
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/run.py

dist: $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,dist]'
	$(VENV)/bin/pyinstaller --noconfirm --clean build.spec

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) scripts/screenshots_comments.py
	$(PY) scripts/screenshot_sheet.py

translations: $(STAMP)
	$(PY) scripts/build_translations.py

clean:
	rm -rf build dist .mypy_cache .ruff_cache .pytest_cache
