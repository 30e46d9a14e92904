# Amiable: `make run` serves the demo, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
export PORTAL_INSTANCE_PATH ?= $(CURDIR)/instance
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-sqlite test-postgres test-dates lint bench bench-scale translations clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(PY) -m babel.messages.frontend compile -i $< -o $@

translations: $(MO)

# The demo: SQLite in the instance folder, its own secret key, demo data loaded once.
# Ports from PORT (the portal) and STRIPE_DOUBLE_PORT (the local Stripe test double); a port
# already taken stops here, before any login is printed.
PORT ?= 5000
STRIPE_DOUBLE_PORT ?= 12111
run: $(VENV)/.installed $(MO)
	@$(PY) tools/ports_free.py $(PORT) $(if $(STRIPE_SECRET_KEY),,$(STRIPE_DOUBLE_PORT))
	PORTAL_ENV=demo $(FLASK) db upgrade
	@export PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://127.0.0.1:$(PORT)}"; \
	if [ -z "$$STRIPE_SECRET_KEY" ]; then export STRIPE_API_BASE="http://127.0.0.1:$(STRIPE_DOUBLE_PORT)"; fi; \
	PORTAL_ENV=demo $(FLASK) portal demo || exit 1; \
	echo "Demo outbox (the e-mails recorded, as the debtor sees them): $$PORTAL_BASE_URL/demo/outbox"; \
	if [ -z "$$STRIPE_SECRET_KEY" ]; then \
	  PORTAL_ENV=demo $(FLASK) portal stripe-double --port $(STRIPE_DOUBLE_PORT) & double=$$!; \
	  trap 'kill $$double 2>/dev/null' EXIT INT TERM; \
	  echo "Stripe test double on $$STRIPE_API_BASE (pid $$double): pay with 4242 4242 4242 4242"; \
	  PORTAL_ENV=demo $(FLASK) run --host 127.0.0.1 --port $(PORT); \
	else \
	  PORTAL_ENV=demo $(FLASK) run --host 127.0.0.1 --port $(PORT); \
	fi

# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL names one.
test: test-sqlite test-postgres

test-sqlite: $(VENV)/.installed $(MO)
	env -u DATABASE_URL TEST_DATABASE_URL= $(PY) -m pytest -q -m "not postgres" $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed $(MO)
	@if [ -n "$(DATABASE_URL)" ]; then \
	  TEST_DATABASE_URL="$(DATABASE_URL)" $(PY) -m pytest -q $(PYTEST_ARGS); \
	elif [ "$(CI)" = "true" ]; then \
	  echo "CI=true but DATABASE_URL is not set: the PostgreSQL pass cannot be skipped in CI"; exit 1; \
	else \
	  echo "PostgreSQL pass SKIPPED: set DATABASE_URL=postgresql://user:pass@host/db to run it."; \
	fi

# The SQLite suite with the clock moved (Debian's faketime): a test that holds only near the
# date it was written fails here. The monotonic clock stays real (see tests/conftest.py). The
# browser tests are left out: chromium, preloaded with libfaketime too, loads no page at all
# (every Page.goto times out), whatever the date; and what they check does not depend on it.
DATE_SHIFTS ?= +400d -400d
test-dates: $(VENV)/.installed $(MO)
	@command -v faketime >/dev/null || { echo "test-dates needs faketime (apt-get install faketime)"; exit 1; }
	@# The passes run side by side (one core each), each with its own output, shown in turn.
	@logs=$$(mktemp -d); pids=""; \
	for shift in $(DATE_SHIFTS); do \
	  env -u DATABASE_URL TEST_DATABASE_URL= FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$$shift" \
	    $(PY) -m pytest -q -p no:cacheprovider -m "not postgres and not browser" $(PYTEST_ARGS) \
	    > "$$logs/$$shift.log" 2>&1 & pids="$$pids $$!"; \
	done; \
	status=0; for pid in $$pids; do wait $$pid || status=1; done; \
	for shift in $(DATE_SHIFTS); do echo "== the clock moved by $$shift"; cat "$$logs/$$shift.log"; done; \
	rm -rf "$$logs"; exit $$status

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(VENV)/.installed $(MO)
	$(PY) bench/run.py $(BENCH_ARGS)

# 1,000,000 cases / 5,000,000 ledger entries on PostgreSQL, then the reporting figures
# (bench/README.md). The database's name must contain "bench"; it is emptied first.
BENCH_SCALE_URL ?= postgresql://dev:dev@127.0.0.1:5432/amiable_bench_scale
SCALE_CASES ?= 1000000
bench-scale: $(VENV)/.installed $(MO)
	DATABASE_URL=$(BENCH_SCALE_URL) PORTAL_ENV=demo SECRET_KEY=bench \
	    $(PY) -m bench.scale_data --cases $(SCALE_CASES)
	DATABASE_URL=$(BENCH_SCALE_URL) PORTAL_ENV=demo SECRET_KEY=bench $(PY) -m bench.scale

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache $(MO)
