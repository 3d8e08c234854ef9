# Two commands on a fresh machine: `make run` and `make test`. Both make their own
# virtualenv in .venv from the pinned versions in requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench lock clean clients

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# The API, and a worker beside it that delivers the letters (stopped with the API).
run: $(STAMP)
	mkdir -p var
	$(BIN)/letterdesk db upgrade
	$(BIN)/letterdesk demo
	$(BIN)/letterdesk worker & worker=$$!; trap 'kill $$worker; wait $$worker' EXIT INT TERM; \
	$(BIN)/letterdesk serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The browser tests drive Debian's chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

# The pinned client generators tests/core/test_generated_clients.py runs (clients/).
CLIENTS_STAMP := clients/.venv/.installed-stamp
$(CLIENTS_STAMP): clients/requirements.txt clients/package-lock.json
	test -x clients/.venv/bin/python || $(PYTHON) -m venv clients/.venv
	clients/.venv/bin/python -m pip install --quiet -r clients/requirements.txt
	cd clients && npm ci --no-audit --no-fund
	touch $(CLIENTS_STAMP)

clients: $(CLIENTS_STAMP)

test: lint $(CHROMIUM) $(CLIENTS_STAMP)
	$(BIN)/pytest

# The action measure's load generator on both sides is Debian's wrk.
WRK := /usr/bin/wrk
$(WRK):
	apt-get install -y wrk || (apt-get update && apt-get install -y wrk)

bench: $(STAMP) $(WRK)
	$(BIN)/python -m bench

# Re-pin every dependency, direct and indirect, after changing pyproject.toml.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e '.[dev]'
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^letterdesk' > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache clients/.venv clients/node_modules
