# fenlei — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: demo test test-fast lint bench venv migrate seed serve i18n i18n-check clean help

help:
	@echo "make demo   install, migrate, load the demo district, serve it (http://$(HOST):$(PORT)/)"
	@echo "make test   run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL)"
	@echo "make lint   ruff"
	@echo "make bench  benchmarks under bench/ (e.g. make bench BENCH_ARGS=\"--only measures\")"

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "fenlei needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

migrate: venv
	$(BIN)/fenlei migrate --noinput -v 0

seed: migrate
	$(BIN)/fenlei seed --scale district --if-empty

demo: seed
	@$(BIN)/fenlei demo_logins
	@echo "fenlei is serving the demo district at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/fenlei runserver --noreload $(HOST):$(PORT)

test: venv
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

test-fast: venv
	$(BIN)/pytest -q -m "not browser" -x

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet fenlei config tests bench tools conftest.py || (echo "run: $(BIN)/ruff format fenlei config tests bench tools conftest.py"; exit 1)

bench: venv
	$(BIN)/python -m bench $(BENCH_ARGS)

i18n: venv
	cd fenlei && ../$(BIN)/fenlei makemessages -l zh_Hans -l en --no-obsolete --no-location -v 0
	cd fenlei && ../$(BIN)/fenlei compilemessages -v 0

i18n-check: venv
	$(BIN)/python -m fenlei.core.i18ncheck

clean:
	rm -rf $(VENV) var
