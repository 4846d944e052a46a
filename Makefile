# Everything runs from a fresh clone with only python3 and make: each target creates the
# virtual environment it needs and installs the tools pinned in pyproject.toml.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
TYPE_VERSIONS := 3.10 3.11 3.12 3.13 3.14
# pyright runs on the Node.js that its nodejs extra installs as a wheel, never on one found on
# PATH: `make test` must work on a machine without Node.js.
export PYRIGHT_PYTHON_GLOBAL_NODE = 0

.PHONY: all demo test lint mypy pyright verifytypes pytest pytest-versions docs bench soak clean

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(STAMP)
	$(PY) examples/quickstart.py
	$(PY) examples/pipeline.py

test: lint mypy pyright verifytypes pytest pytest-versions docs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy and pyright run once per target version, $(TYPE_JOBS) versions at a time, from the one
# environment; each version's report is printed in one piece, and any failing version fails the
# target. mypy keeps a cache per version.
TYPE_JOBS ?= 2

mypy: $(STAMP)
	@printf '%s\n' $(TYPE_VERSIONS) | xargs -P $(TYPE_JOBS) -I {} sh -c '\
	  out=$$($(BIN)/mypy --python-version {} --cache-dir .mypy_cache/{} 2>&1); rc=$$?; \
	  printf "mypy --python-version {}\n%s\n" "$$out"; exit $$rc'

pyright: $(STAMP)
	@printf '%s\n' $(TYPE_VERSIONS) | xargs -P $(TYPE_JOBS) -I {} sh -c '\
	  out=$$($(BIN)/pyright --pythonpath $(PY) --pythonversion {} 2>&1); rc=$$?; \
	  printf "pyright --pythonversion {}\n%s\n" "$$out"; exit $$rc'

# Type completeness of the installed package; pyright exits nonzero below 100%. It runs in an
# empty directory, since pyright reads the nearest pyproject.toml upwards (whose extraPaths point
# at src/), with the environment first on PATH, since --verifytypes ignores --pythonpath (1.1.414).
verifytypes: $(STAMP)
	@dir=$$(mktemp -d) && cd "$$dir" && \
	  PATH="$(CURDIR)/$(BIN):$$PATH" pyright --verifytypes aiochannel --ignoreexternal; \
	  rc=$$?; rm -rf "$$dir"; exit $$rc

pytest: $(STAMP)
	$(BIN)/coverage erase
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

# The runtime suite on every other CPython found, each in a venv of its own, $(TEST_JOBS) at a
# time; each version's report is printed in one piece.
TEST_JOBS ?= 2
python_of = $(shell p=$$(ls $$HOME/.pyenv/versions/$(1).*/bin/python$(1) 2>/dev/null | sort -V | \
	tail -n 1); [ -n "$$p" ] || p=$$(command -v python$(1) 2>/dev/null); echo $$p)
OWN_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
OTHER_VERSIONS := $(foreach v,$(filter-out $(OWN_VERSION),3.10 3.11 3.12 3.13),\
	$(if $(call python_of,$(v)),$(v)))

pytest-versions:
	@$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target \
	  $(addprefix pytest-on-,$(OTHER_VERSIONS))
	@echo "runtime suite ran on CPython $(OWN_VERSION) (with coverage) and on $(strip $(OTHER_VERSIONS))"

pytest-on-%:
	@p=$(call python_of,$*); env=.venv-$*; \
	if [ ! -f $$env/.installed ] || [ pyproject.toml -nt $$env/.installed ]; then \
	  $$p -m venv $$env && $$env/bin/python -m pip install --quiet --upgrade pip && \
	  $$env/bin/python -m pip install --quiet -e '.[test]' && touch $$env/.installed || exit 1; \
	fi; \
	echo "pytest on CPython $* ($$p)"; \
	$$env/bin/python -m pytest -q -p no:cacheprovider

# The documentation site (issue 12) into docs/_build/html: Sphinx with warnings as errors, in
# nitpicky mode (every cross-reference must resolve), without the network. The examples in the
# pages are run by tests/test_docs_examples.py, not here.
docs: $(STAMP)
	$(BIN)/sphinx-build -b html -W --keep-going -n -q docs docs/_build/html

# Benchmarks (issue 5): installs the aiochannel 1.x peer pinned in pyproject.toml into
# benchmarks/.legacy (the only step that may use the network), then runs every scenario and
# writes benchmarks/results/{results.json,results.md,chart.png}. About 5.5 to 6.5 minutes on 2
# cores (benchmarks/README.md).
# BASELINE=REV (any git revision) also measures src/aiochannel of that revision, extracted with
# git archive into benchmarks/.baseline/<sha>: before/after from one run (issue 14).
BASELINE ?=
bench: $(STAMP)
	$(PY) -m benchmarks.legacy_install
	$(PY) -m benchmarks --legacy require $(if $(BASELINE),--baseline $(BASELINE))

# Soak (issue 4): the randomized stress, model walk and state-machine tests with fresh seeds for
# SECONDS seconds, on the default loop and uvloop; prints the seed of any failure and how to
# replay it. Not part of `make test`.
SECONDS ?= 300
soak: $(STAMP)
	$(PY) tests/soak.py --seconds $(SECONDS)

clean:
	rm -rf $(VENV) .venv-3.* .mypy_cache .pytest_cache .coverage build dist docs/_build
