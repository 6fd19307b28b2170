# dixagen: `make generate` regenerates generated/ from specs/, `make test` runs the tests.
# Both create the virtual environment and install what they need on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install generate check test bench clean update-cases

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

generate: $(STAMP)
	$(BIN)/dixagen generate

check: $(STAMP)
	$(BIN)/dixagen generate --check

test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache

update-cases: $(STAMP)
	DIXAGEN_UPDATE_CASES=1 $(BIN)/python -m pytest -q tests/test_cases.py -k golden
