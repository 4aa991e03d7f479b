# Zhengwu — the two commands: `make run` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
# The interpreter: Debian's python3.11 where there is one — it is built with profile-guided optimisation and link-time
# optimisation; a crawl of the demo's pages took 12.5–13.1 s of CPU under it and 15.7–16.5 s under a python3.11 built
# without them (pyenv's default build), and make test's CPU fell with it. Otherwise python3.11 on PATH.
# `make PYTHON=…` chooses another; an existing .venv is kept (`make clean` first to change it).
PYTHON ?= $(shell /usr/bin/python3.11 -c 'import ensurepip, venv' >/dev/null 2>&1 && echo /usr/bin/python3.11 || echo python3.11)
VENV := .venv
BIN := $(VENV)/bin
ZW := $(BIN)/zhengwu
PG_URL ?= postgres://postgres@127.0.0.1:5432/zhengwu
HOST ?= 127.0.0.1
PORT ?= 8000
# Links that outlive the request (the rating link in an SMS, a notice's check code, a licence's QR code) carry the
# public address: `make run PORT=8100` puts 8100 in them, unless ZHENGWU_PUBLIC_URL says otherwise.
run demo: export ZHENGWU_PUBLIC_URL ?= http://$(HOST):$(PORT)
# Compiled bytecode is kept in __pycache__ (ignored by git): with PYTHONDONTWRITEBYTECODE set, every process of a test
# run or of `make run` compiles the whole project again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-dates test-sqlite test-pg test-e2e setup setup-test lint format bench demo worker clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q uv || echo "uv not installed: pip installs the packages (slower)"

# uv installs the same packages pip would (the same versions, from the same index) in ~9 s on a clean clone where pip
# took ~45 s of CPU resolving and unpacking them, and ~1 s once its cache is warm; pip does it where uv is missing.
$(VENV)/.installed: pyproject.toml Makefile | $(BIN)/python
	@if [ -x $(BIN)/uv ]; then $(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev,redis]'; \
	 else $(BIN)/pip install -q -e '.[dev,redis]'; fi
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

src/zhengwu/static/vendor/.copied: node_modules/.installed scripts/vendor.py
	$(BIN)/python scripts/vendor.py
	@touch $@

var/.system-deps: scripts/system-deps.sh
	bash scripts/system-deps.sh
	@mkdir -p var && touch $@

var/.system-deps-browser: scripts/system-deps.sh
	bash scripts/system-deps.sh --browser
	@mkdir -p var && touch $@

var/.system-deps-dates: scripts/system-deps.sh
	bash scripts/system-deps.sh --dates
	@mkdir -p var && touch $@

setup: $(VENV)/.installed src/zhengwu/static/vendor/.copied var/.system-deps

setup-test: setup var/.system-deps-browser

run: setup
	$(ZW) migrate --noinput -v 0
	$(ZW) demo
	@echo "Serving on http://$(HOST):$(PORT)/  (workbench: http://$(HOST):$(PORT)/workbench/, API docs: http://$(HOST):$(PORT)/api/docs; task worker log: $${ZHENGWU_VAR_DIR:-var}/worker.log)"
	@ZHENGWU_DEBUG=$${ZHENGWU_DEBUG:-1}; export ZHENGWU_DEBUG; \
	 mkdir -p $${ZHENGWU_VAR_DIR:-var}; \
	 $(ZW) db_worker --interval 2 --no-reload > $${ZHENGWU_VAR_DIR:-var}/worker.log 2>&1 & worker=$$!; \
	 $(ZW) scheduled --every 300 > $${ZHENGWU_VAR_DIR:-var}/scheduled.log 2>&1 & scheduler=$$!; \
	 trap "kill $$worker $$scheduler 2>/dev/null" EXIT INT TERM; \
	 $(ZW) runserver --noreload $(HOST):$(PORT)

demo: setup
	$(ZW) migrate --noinput -v 0
	$(ZW) demo

worker: setup
	$(ZW) worker

test: setup-test
	@bash scripts/test.sh

# The suite, the browser tests and the demo under moved system clocks (faketime): see docs/testing.md.
test-dates: setup-test var/.system-deps-dates
	@bash scripts/test-dates.sh $(MOMENTS)

test-sqlite: setup
	$(BIN)/pytest -m "not e2e" -n 2 -q

test-pg: setup
	@bash scripts/ensure-postgres.sh && DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e" -n 2 -q

test-e2e: setup-test
	$(BIN)/pytest -m e2e -q

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

format: $(VENV)/.installed
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

bench: setup
	$(BIN)/python -m bench $(ARGS)

clean:
	rm -rf $(VENV) node_modules src/zhengwu/static/vendor var
