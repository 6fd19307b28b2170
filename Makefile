# dixagen: `make generate` regenerates generated/ from specs/, `make test` runs the tests.
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: install generate check test test-fast bench clean update-cases release

# Two stamps, two sets of tools: generating needs only dixagen and its own
# dependencies; the tests and benchmarks add theirs (the dev extra) on top.
GEN_STAMP := $(VENV)/.generator-stamp
DEV_STAMP := $(VENV)/.dev-stamp

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(GEN_STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(GEN_STAMP)

$(DEV_STAMP): pyproject.toml $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(GEN_STAMP) $(DEV_STAMP)

# The generated distribution, installed editable with its own dependencies, so that
# `.venv/bin/python -m dixa_sdk.v1.server` and `import dixa_sdk` work after `make generate`.
GENERATED_STAMP := $(VENV)/.generated-stamp

$(GENERATED_STAMP): $(GEN_STAMP) generated/pyproject.toml
	$(BIN)/python -m pip install --quiet -e "generated[server]"
	touch $(GENERATED_STAMP)

install: $(DEV_STAMP) $(GENERATED_STAMP)

generate: $(GEN_STAMP)
	$(BIN)/dixagen generate
	@$(MAKE) --no-print-directory $(GENERATED_STAMP)

check: $(GEN_STAMP)
	$(BIN)/dixagen generate --check

# The whole suite (what CI runs).
test: $(DEV_STAMP) $(GENERATED_STAMP) tests/npm/node_modules
	$(BIN)/python -m pytest -q -n auto

# The fast layer: unit, IR and passes, runtime and golden tests; no Node, no
# servers, no fresh virtual environments (the loop before each commit).
test-fast: $(DEV_STAMP) $(GENERATED_STAMP)
	$(BIN)/python -m pytest -q -n auto -m "not integration"

bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py

# Node tools the tests run: Stoplight Prism, pinned by tests/npm/package-lock.json.
tests/npm/node_modules: tests/npm/package.json tests/npm/package-lock.json
	SCARF_ANALYTICS=false npm ci --prefix tests/npm --ignore-scripts --no-audit --no-fund
	touch $@

# bench/bench_server.py measures the stub server against Prism, in the same run.
bench: tests/npm/node_modules

# bench/bench_scale.py alone: Dixa v1, GitHub GHES 3.6 (against openapi-generator) and Microsoft
# Graph beta, time and peak memory (about 5 minutes on 2 cores).
.PHONY: bench-scale
bench-scale: $(DEV_STAMP) tests/npm/node_modules
	$(BIN)/python bench/run.py scale

.PHONY: bench-server
bench-server: $(DEV_STAMP) tests/npm/node_modules
	$(BIN)/python bench/run.py server

# Every spec of the APIs-guru directory through generate + import (about half an hour).
.PHONY: sweep
sweep: $(DEV_STAMP) tests/npm/node_modules
	$(BIN)/python -m tests.sweep_directory

# The generated clients of a fixed sample of 27 directory specs (GitHub, Stripe, Twilio, Slack,
# Kubernetes and 22 drawn) against Prism mocking each, every operation called; then schemathesis
# against the generated stubs of 10 of them. Reports: mock-calls-report.{json,txt} and
# mock-calls-report-schemathesis.{json,txt} (about 40 minutes on 2 cores).
.PHONY: mock-calls
mock-calls: $(DEV_STAMP) tests/npm/node_modules
	$(BIN)/python -m tests.mock_calls --schemathesis 10 --report mock-calls-report.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache

update-cases: $(DEV_STAMP)
	DIXAGEN_UPDATE_CASES=1 $(BIN)/python -m pytest -q tests/test_cases.py -k golden

# What beta adds to or changes from v1 (paths compared without their /v1, /beta
# prefix), then what the working tree's edits to each spec do to its clients and
# to the generated package's public API ("no changes" for an untouched spec).
.PHONY: diff
diff: $(GEN_STAMP)
	$(BIN)/dixagen diff specs/dixa-v1.yaml specs/dixa-beta.yaml --strip-prefix /v1 --strip-prefix /beta
	@for spec in specs/dixa-v1.yaml specs/dixa-beta.yaml specs/integrations-v1.yaml; do \
		echo "$(BIN)/dixagen diff HEAD:$$spec $$spec"; \
		$(BIN)/dixagen diff HEAD:$$spec $$spec || exit 1; \
	done

# Publish the generated distribution: refuse a stale generated/ (as `make check`), build its wheel
# and sdist from a clean copy, check them with twine, then upload them to the index twine is
# configured for: TWINE_REPOSITORY_URL (with TWINE_USERNAME/TWINE_PASSWORD), or TWINE_REPOSITORY
# naming a section of ~/.pypirc. generator/release/publish.py tells the failures apart: a version the
# index already holds (exit 3), an index that cannot be reached (4), refused credentials (5).
RELEASE_DIR ?= dist
release: $(DEV_STAMP)
	$(BIN)/dixagen generate --check
	rm -rf "$(RELEASE_DIR)"
	$(BIN)/python -c "import shutil, sys; shutil.copytree('generated', sys.argv[1], ignore=shutil.ignore_patterns('build', '*.egg-info', '__pycache__'))" "$(RELEASE_DIR)/source"
	$(BIN)/python -m build --no-isolation --outdir "$(RELEASE_DIR)" "$(RELEASE_DIR)/source" > "$(RELEASE_DIR)/build.log" 2>&1 || { cat "$(RELEASE_DIR)/build.log"; exit 1; }
	$(BIN)/twine check --strict "$(RELEASE_DIR)"/*.whl "$(RELEASE_DIR)"/*.tar.gz
	$(BIN)/python -m generator.release.publish "$(RELEASE_DIR)"/*.whl "$(RELEASE_DIR)"/*.tar.gz

