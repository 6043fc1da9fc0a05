# Two commands on a fresh Debian machine: `make serve` and `make test`.
# Both install only what is missing (system packages, fonts, the .venv), then run.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: install system venv test lint serve schemas templates bench clean

install: system venv

system:
	@bash system/install.sh

# Debian's python3 with its site-packages, so that LibreOffice's `uno` module is importable in the venv.
$(STAMP): pyproject.toml
	@test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

venv: system $(STAMP)

lint: install
	$(VENV)/bin/ruff check service tests bench word_templates samples
	$(VENV)/bin/ruff format --check service tests bench word_templates samples
	$(VENV)/bin/mypy

test: install lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

serve: install
	$(VENV)/bin/docgen serve --host $(HOST) --port $(PORT)

# Regenerate the committed artefacts from their sources (tests check they are in sync).
templates: install
	$(PY) -m word_templates.build

schemas: install
	$(PY) -m service.rendering.export_schemas

# Each script prints its figures and compares with the naive baseline in the same run.
bench: install
	$(PY) bench/render.py
	$(PY) bench/convert.py
	$(PY) bench/package.py
	$(PY) bench/batch.py
	$(PY) bench/load.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
