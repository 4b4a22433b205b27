# safenet: two commands for a newcomer.
#   make demo   set up, then run police + centers + simulator + consoles (embedded, SQLite)
#   make test   set up, start the services the tests need, then ruff, mypy and pytest
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WEB := src/safenet/web

.PHONY: demo test setup lint typecheck pytest services browser fonts clean

setup: $(VENV)/.installed $(WEB)/node_modules/.package-lock.json

# Front-end libraries (Leaflet) come from the npm registry at set-up; no CDN at run time.
$(WEB)/node_modules/.package-lock.json: $(WEB)/package-lock.json
	npm ci --prefix $(WEB) --no-audit --no-fund

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup fonts
	$(BIN)/safenet demo

services: setup
	bash scripts/services.sh

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: setup
	$(BIN)/mypy

browser:
	bash scripts/browser.sh

# The simulated cameras draw plates in Hangul: a Korean font from Debian's packages.
fonts:
	bash scripts/fonts.sh

# pytest runs on two pytest-xdist workers; tests marked xdist_group stay on one worker
# (docs/testing.md). Serially: `make pytest PYTEST_ARGS=`.
PYTEST_ARGS ?= -n 2 --dist loadgroup
pytest: setup
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: services browser fonts lint typecheck pytest

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
