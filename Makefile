# aftersales: `make run` serves the product with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SYSDEPS := sh scripts/system-deps.sh

.PHONY: run test test-pg lint install bench clean

# Debian packages each target needs (scripts/system-deps.sh): the venv is made under the
# target's own list, so a fresh machine runs apt-get update once.
run install: DEPS = run
test lint: DEPS = test

$(STAMP): pyproject.toml
	$(SYSDEPS) $(or $(DEPS),run)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(SYSDEPS) run
	$(BIN)/aftersales serve --demo --host 127.0.0.1 --port 8000

test: $(STAMP)
	$(SYSDEPS) test
	$(BIN)/ruff check src tests bench
	$(BIN)/aftersales makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadfile -p no:cacheprovider --ignore=tests/browser
	# Browser tests run on their own: the live server empties the database after each test.
	$(BIN)/pytest -p no:cacheprovider tests/browser

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

clean:
	rm -rf $(VENV) var/test-*
