# The two commands of the README do all setup on a fresh machine:
#   make run    the main job: environment, dbt manifest, every asset and check, publish
#   make test   every test
# Also: make test-fast (the tests that need neither dbt nor a browser), make lint (ruff, sqlfluff), make ui (Dagster UI,
# `dg dev`, on 127.0.0.1:3000), make bench (stage timings of a warm refresh),
# make bench-scale (the index marts at 1M-30M observations against a pandas peer), make lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

.PHONY: run test test-fast lint ui bench bench-scale lock clean

$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/nqpf refresh

# The report's browser tests drive Debian's Chromium: installed once here, before the workers start.
test: $(VENV)/.installed
	bash scripts/ensure_chromium.sh
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: $(VENV)/.installed
	$(BIN)/pytest -n 2 --dist loadgroup -m "not dbt and not browser"

lint: $(VENV)/.installed
	$(BIN)/ruff check orchestration tests dbt_project
	$(BIN)/ruff format --check orchestration tests dbt_project
	$(BIN)/sqlfluff lint dbt_project

ui: $(VENV)/.installed
	$(BIN)/nqpf prepare
	$(BIN)/dg dev --host 127.0.0.1 --port 3000

bench: $(VENV)/.installed
	$(BIN)/python -m orchestration.tools.benchmark

# A synthetic system of 1M, 10M and 30M observations through the index marts, beside a pandas peer.
bench-scale: $(VENV)/.installed
	$(BIN)/python -m orchestration.tools.bench_scale

# Re-resolve every dependency from pyproject.toml into requirements.lock.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[dev]'
	{ sed -n '1,3p' requirements.lock; .lock-venv/bin/pip freeze --exclude-editable | grep -v '^nqpf'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs
