# Two commands on a fresh Debian machine: `make serve` and `make test`.
# Both install only what is missing (system packages, fonts, the .venv), then run.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PIP    := $(PY) -m pip -q --disable-pip-version-check
LOCK      := requirements.lock
TEST_LOCK := requirements-test.lock
PIP_TOOLS := pip-tools==7.6.2
# No index or find-links options in the lock: it must not name this machine's package mirror.
COMPILE   := $(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras \
             --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Two workers, one test file each at a time (module fixtures such as a server or a pool stay in one process).
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: install system venv lock test lint serve schemas templates bench clean clients

install: system venv

system:
	@bash system/install.sh

# Debian's python3 with its site-packages, so that LibreOffice's `uno` module is importable in the venv.
# Every dependency comes from the lock (exact versions and hashes); the project itself is installed editable
# without resolving anything. The stamp keeps `make install` instant while the lock and packaging are unchanged.
$(STAMP): $(TEST_LOCK) pyproject.toml setup.py
	@test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(PIP) install --require-hashes -r $(TEST_LOCK)
	$(PIP) install --no-deps -e .
	@touch $@

venv: system $(STAMP)

# Regenerate the locks from pyproject.toml (after adding or changing a dependency; `make lock LOCK_ARGS=--upgrade`
# moves everything to the newest versions the ranges allow). The test lock is constrained by the runtime lock,
# so the image (runtime lock) and the dev venv / CI (test lock) run the same versions.
lock:
	@test -x $(PY) || /usr/bin/python3 -m venv --system-site-packages $(VENV)
	@$(PY) -c "import piptools" 2>/dev/null || $(PIP) install $(PIP_TOOLS)
	$(COMPILE) --output-file $(LOCK) pyproject.toml
	$(COMPILE) --extra test --constraint $(LOCK) --output-file $(TEST_LOCK) pyproject.toml

lint: install
	$(VENV)/bin/ruff check service tests bench word_templates samples
	$(VENV)/bin/ruff format --check service tests bench word_templates samples
	$(VENV)/bin/mypy

test: install lint
	$(VENV)/bin/pytest $(PYTEST_ARGS) --ignore=tests/test_api_schemathesis.py
	@# schemathesis makes one test per API operation lazily, which xdist workers do not run: this file runs on its own
	$(VENV)/bin/pytest tests/test_api_schemathesis.py

serve: install
	$(VENV)/bin/docgen serve --host $(HOST) --port $(PORT)

# Regenerate the committed artefacts from their sources (tests check they are in sync).
templates: install
	$(PY) -m word_templates.build

schemas: install
	$(PY) -m service.rendering.export_schemas

# The typed Python client and the TypeScript types of the API (clients/), from the OpenAPI the app serves.
# openapi-python-client pins an older typer than docgen's CLI, so it lives in a venv of its own (.venv-clients).
CLIENTS_VENV := .venv-clients
clients: install
	$(PY) clients/generate.py
	@test -x $(CLIENTS_VENV)/bin/openapi-python-client || ( /usr/bin/python3 -m venv $(CLIENTS_VENV) && \
	  $(CLIENTS_VENV)/bin/pip install -q -r clients/python-tools.txt )
	cd clients && PATH="$(CURDIR)/$(CLIENTS_VENV)/bin:$$PATH" $(CURDIR)/$(CLIENTS_VENV)/bin/openapi-python-client \
	  generate --path openapi.json --output-path python/docgen_client --overwrite --meta none \
	  --config openapi-python-client.yaml
	cd clients/typescript && npm ci --no-audit --no-fund && npm run --silent generate

# Accept a reviewed layout change: rewrite the reference pages in tests/visual/ from the samples as they print now,
# with the test's own code (look at the images before committing them).
.PHONY: visual-refs pictures
visual-refs: install
	DOCGEN_UPDATE_VISUAL=1 $(VENV)/bin/pytest tests/test_visual_regression.py -q

# The README's pictures of each form (docs/form-*.png).
pictures: install
	$(PY) docs/make_pictures.py

# Each script prints its figures and compares with the naive baseline in the same run.
bench: install
	$(PY) -m pip install -q --disable-pip-version-check -e '.[bench]'  # unoserver and matplotlib: baselines and plots only
	$(PY) bench/render.py
	$(PY) bench/convert.py
	$(PY) bench/package.py
	$(PY) bench/batch.py
	$(PY) bench/load.py

# Long profiles of the attachment fuzzer (`make test` runs the fast one: 40 mutants per seed) and of the payload
# schema fuzzer (`make test`: 4 payloads per template; here 150).
FUZZ_CASES ?= 400
.PHONY: fuzz soak
fuzz: install
	DOCGEN_FUZZ_CASES=$(FUZZ_CASES) $(VENV)/bin/pytest tests/hostile/test_attachment_fuzz.py -q -s
	DOCGEN_FUZZ_PROFILE=long $(VENV)/bin/pytest tests/hostile/test_schema_fuzz.py -q -s

# Mixed traffic against one server on loopback, RSS per minute (README: 长时间运行（soak）).
SOAK_MINUTES ?= 10
soak: install
	$(PY) bench/soak.py --minutes $(SOAK_MINUTES)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
