# Kancelaria: `make run` serves on http://127.0.0.1:8000, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Threads per worker: concurrent registrations of a worker share one commit.
THREADS ?= 8

.PHONY: run init test lint typecheck pytest bench system-deps node-deps clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

init: $(STAMP)
	bash tools/install-system-deps.sh run
	$(BIN)/flask --app wsgi kancelaria init

# The access log leaves out query strings and draft codes (app/accesslog.py).
# The request line may be long enough for the app to refuse a long address
# itself (414 uri-too-long, app/input_guard.py) with its own error shape.
# No control socket: gunicorn 27 would put one in the home folder, shared by
# every server on the machine.
run: init
	KANCELARIA_OUTBOX_THREAD=on \
	KANCELARIA_WEBHOOK_PRIVATE_TARGETS=$${KANCELARIA_WEBHOOK_PRIVATE_TARGETS:-on} \
	KANCELARIA_PUBLIC_URL=$${KANCELARIA_PUBLIC_URL:-http://$(HOST):$(PORT)} \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--worker-class gthread --threads $(THREADS) --access-logfile - \
		--access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms' \
		--logger-class app.accesslog.AccessLogger --limit-request-line 8190 \
		--no-control-socket \
		wsgi:app

system-deps:
	bash tools/install-system-deps.sh

node-deps:
	bash tools/install-node-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy signing app wsgi.py

pytest: $(STAMP) system-deps node-deps
	source <(bash tools/ensure-postgres.sh) && \
		source <(bash tools/ensure-redis.sh) && \
		$(BIN)/pytest -n 2 --dist loadfile -q && \
		KANCELARIA_TEST_APP_DB=postgres $(BIN)/pytest -n 2 --dist loadfile -q \
			tests/app tests/api tests/desk

test: lint typecheck pytest

bench: $(STAMP)
	for f in bench/bench_*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
