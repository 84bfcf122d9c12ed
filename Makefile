# The two commands a fresh machine needs: `make generate` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SPEC := spec/openapi.yaml
PACKAGE := chat_completions
PORT ?= 8000

.PHONY: venv setup generate check lint static test bench bench-peers serve clean

# .venv is keyed by what it is made of (tools/environment.py): the Python that makes it, and what
# pyproject.toml says to install. A stamp named by each key says .venv has it, so a .venv made by
# another Python is made again, changed dependencies are reinstalled, and nothing else costs
# anything: editing [tool.ruff] or the configuration reinstalls nothing.
WHEELHOUSE := $(VENV)/wheelhouse
WHEELHOUSE_EXTRAS := setuptools wheel hatchling
PYTHON_KEY := $(shell $(PYTHON) tools/environment.py python 2>/dev/null)
DEPENDENCIES_KEY := $(shell $(PYTHON) tools/environment.py dependencies $(WHEELHOUSE_EXTRAS) 2>/dev/null)
MADE := $(VENV)/.made-by-$(PYTHON_KEY)
INSTALLED := $(VENV)/.installed-$(PYTHON_KEY)-$(DEPENDENCIES_KEY)
WHEELS := $(WHEELHOUSE)/.complete-$(PYTHON_KEY)-$(DEPENDENCIES_KEY)

# The first line stops here, saying why, when $(PYTHON) is too old for the toolkit.
$(MADE):
	@$(PYTHON) tools/environment.py python >/dev/null
	@if [ "$$($(PY) tools/environment.py python 2>/dev/null)" != "$(PYTHON_KEY)" ]; then \
		echo "making $(VENV) with $(PYTHON) ($(PYTHON_KEY))"; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	fi
	@rm -f $(VENV)/.made-by-*
	@touch $@

$(INSTALLED): | $(MADE)
	@rm -f $(VENV)/.installed-*
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Wheels of the toolkit and of what the generated package needs (hatchling builds it), so that
# tests can build fresh environments (a vendored copy's, an installed one's, pre-commit's) from
# this folder alone, never from the network.
$(WHEELS): | $(INSTALLED)
	@rm -rf $(WHEELHOUSE) build
	$(PY) -m pip wheel --quiet --disable-pip-version-check -w $(WHEELHOUSE) '.[runtime]' $(WHEELHOUSE_EXTRAS)
	@touch $@

venv: $(MADE)

setup: $(INSTALLED) $(WHEELS)

# The generator's modules compiled once, as an installed package's are: with
# PYTHONDONTWRITEBYTECODE set (as on build machines that keep checkouts clean), every run would
# otherwise compile them again from source, a third of a second of each generation.
COMPILED := $(VENV)/.compiled
$(COMPILED): $(shell find generator -name '*.py' 2>/dev/null) | $(INSTALLED)
	@$(PY) -m compileall -q generator >/dev/null
	@touch $@

# Every [[tool.specsmith.targets]] of pyproject.toml (here: spec/openapi.yaml -> generated/chat_completions).
generate: setup $(COMPILED)
	$(PY) -m generator generate

check: setup $(COMPILED)
	$(PY) -m generator generate --check

lint: setup
	$(PY) -m generator lint $(SPEC)

# The runtime is copied into every package, where teams run their own linters over it: besides our
# rules, it passes blind-except (BLE) and ruff's own defaults.
static: setup
	$(PY) -m ruff check generator tests bench tools
	$(PY) -m ruff check --select E,F,W,B,BLE,UP,SIM,RUF,I generator/runtime
	$(PY) -m ruff check --isolated --line-length 100 --target-version py310 generator/runtime
	$(PY) -m ruff format --check generator tests bench tools
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
