# Two entry points that work on a fresh machine: `make render` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The test extras get a stamp of their own: `make render` installs sls-gen and its runtime
# dependencies only; `make test` adds pytest, moto, boto3, ... on top.
TEST_STAMP := $(VENV)/.installed-test

CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

.PHONY: render test test-fast update-snapshots bench clean checkov

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# checkov gets its own venv: its hcl2 fork would replace python-hcl2 in .venv (see pyproject.toml).
$(CHECKOV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet "$$($(PYTHON) -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['optional-dependencies']['checkov'][0])")"
	touch $(CHECKOV_STAMP)

## checkov: install the pinned checkov into .venv-checkov (tests/test_checkov.py runs it)
checkov: $(CHECKOV_STAMP)

## render: set up, then render the bundled example blueprint into out/
render: $(STAMP)
	$(BIN)/sls-gen render blueprints/orders/orders.yaml -o out/orders

## test: set up, then run every test (snapshots, terraform fmt/validate, emulator apply)
test: $(TEST_STAMP) $(CHECKOV_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

## test-fast: everything except the emulator apply tests
test-fast: $(TEST_STAMP) $(CHECKOV_STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not e2e"

## update-snapshots: regenerate the golden trees under tests/snapshots/ (review the diff!)
update-snapshots: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/test_snapshots.py --update-snapshots -q

## bench: render speed and scaling vs the peers (see docs/benchmarks.md); BENCH_ARGS="--sizes 10,100 --runs 3"
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) out .pytest_cache
