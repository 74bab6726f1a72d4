# Gongjian: `make run` serves the Zhuzhou demo, `make test` runs every test. Both set up what they need.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test setup serve demo lint typecheck messages screenshot clean

$(BIN)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.13 / python3.12 on PATH)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# Migrate, load the demo data the first time, collect static files, then serve with gunicorn.
run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	DEMO_MODE=true $(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Gongjian: http://127.0.0.1:$(PORT)/  (demo accounts: see README)"
	@# The task worker (imports and other long work) and the scheduler (deadline warnings, reminders)
	@# run beside the web server and stop with it.
	export SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	trap 'kill 0' INT TERM EXIT; \
	DEMO_MODE=true $(BIN)/python manage.py db_worker --queue-name '*' & \
	DEMO_MODE=true $(BIN)/python manage.py periodic & \
	DEMO_MODE=true $(BIN)/gunicorn gongjian.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips=127.0.0.1

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check gongjian bench
	$(BIN)/ruff format --check gongjian bench

typecheck: setup
	$(BIN)/mypy gongjian

# The project's messages live in gongjian/locale; each domain app keeps its own in <app>/locale.
APPS_WITH_LOCALE := cases open311 volunteers rolemodels cobuilding
messages: setup
	cd gongjian && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete -i "demo/*" $(foreach a,$(APPS_WITH_LOCALE),-i "$(a)/*")
	for a in $(APPS_WITH_LOCALE); do (cd gongjian/$$a && ../../$(BIN)/python ../../manage.py makemessages -l en --no-obsolete) || exit 1; done
	$(BIN)/python manage.py compilemessages --ignore .venv

clean:
	rm -rf $(VENV) var

# Refresh the README's screenshot (taken by the demo browser test).
screenshot: setup
	$(BIN)/python -m pytest gongjian/e2e -k zhuzhou_demo -q
	mkdir -p docs && cp var/screenshots/dashboard.png docs/dashboard.png
