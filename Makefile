# Two entry points, both self-contained on a fresh machine with Python 3.10+ and git:
#   make run   set up, check the schemas, build the docs site with the registry, serve it
#              (on http://127.0.0.1:8000/; `make run PORT=8001` for another port)
#   make test  set up, then ruff, mypy and the whole test suite
PYTHON ?= python3
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/telemetry-registry lint
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	$(BIN)/telemetry-registry serve --port $(PORT)

lint: $(BIN)/.installed
	$(BIN)/ruff check registry tests tools
	$(BIN)/ruff format --check registry tests tools

typecheck: $(BIN)/.installed
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -W error; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing loudly" >&2; fi; \
	exit $$status

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
