# CoachDesk — the two commands a newcomer needs:
#   make run    install everything, migrate, seed the demo and serve it at http://127.0.0.1:8000
#   make test   install what the tests need and run the whole suite, lint included
# Python packages install from the lock files in requirements/ (exact versions, with hashes).
# pyproject.toml lists the dependencies; after changing them run `make lock`, and commit
# pyproject.toml with both lock files (`make lock UPGRADE=1` moves every pin to its newest).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCKS := requirements/base.txt requirements/dev.txt
# One lock for every platform and Python 3.11+ (the image's Python is 3.11).
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

.PHONY: run test install lock audit lint migrate seed clean

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	bin/run-dev

test: install
	bin/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=coachdesk.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP) node_modules/.package-lock.json

$(STAMP): $(LOCKS)
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "CoachDesk needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Rewrites the lock files from pyproject.toml: the runtime's (the Docker image installs it), then
# the development one, held to the same versions as the runtime's.
lock:
	test -x $(BIN)/uv || $(MAKE) install
	$(UV_COMPILE) -o requirements/base.txt
	$(UV_COMPILE) --extra dev -c requirements/base.txt -o requirements/dev.txt

# Known vulnerabilities in any locked package fail (CI runs this). Reads the lock file only;
# the advisories come from PyPI. A package the service has no record of is listed as skipped;
# STRICT=1 fails on those too.
audit: install
	$(BIN)/pip-audit --requirement requirements/dev.txt --require-hashes --disable-pip \
		--vulnerability-service pypi --progress-spinner off $(if $(STRICT),--strict)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules staticfiles var
