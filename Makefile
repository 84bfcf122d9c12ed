# The two commands a fresh machine needs: `make generate` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
SPEC := spec/openapi.yaml
PACKAGE := chat_completions
PORT ?= 8000

.PHONY: setup generate check lint static test bench bench-peers serve clean

# Reinstalls only when pyproject.toml changes, so repeated runs cost nothing.
$(INSTALLED): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Wheels of the toolkit and of what the generated package needs, so that tests can build fresh
# environments (a vendored copy's, pre-commit's) from this folder alone, never from the network.
WHEELHOUSE := $(VENV)/wheelhouse
$(WHEELHOUSE)/.complete: pyproject.toml
	$(PY) -m pip wheel --quiet --disable-pip-version-check -w $(WHEELHOUSE) '.[runtime]' setuptools wheel hatchling
	@touch $@

setup: $(INSTALLED) $(WHEELHOUSE)/.complete

# Every [[tool.specsmith.targets]] of pyproject.toml (here: spec/openapi.yaml -> generated/chat_completions).
generate: setup
	$(PY) -m generator generate

check: setup
	$(PY) -m generator generate --check

lint: setup
	$(PY) -m generator lint $(SPEC)

static: setup
	$(PY) -m ruff check generator tests bench
	$(PY) -m ruff format --check generator tests bench
	$(PY) -m mypy

test: check lint static
	$(PY) -m pytest -n 2

bench: setup bench-peers
	$(PY) bench/run.py

# The peers the generate benchmark compares with, each in its own environment (they pin other
# versions of datamodel-code-generator than ours).
PEERS := .venv-peers
bench-peers: $(PEERS)/.complete
$(PEERS)/.complete:
	$(PYTHON) -m venv $(PEERS)/fastapi-code-generator
	$(PEERS)/fastapi-code-generator/bin/pip install --quiet --disable-pip-version-check fastapi-code-generator==0.8.1
	$(PYTHON) -m venv $(PEERS)/openapi-python-client
	$(PEERS)/openapi-python-client/bin/pip install --quiet --disable-pip-version-check openapi-python-client==0.29.1
	@touch $@

serve: setup
	PYTHONPATH=generated $(PY) -m $(PACKAGE).server --mock --host 127.0.0.1 --port $(PORT)

clean:
	rm -rf $(VENV) $(PEERS) .pytest_cache .mypy_cache .ruff_cache
