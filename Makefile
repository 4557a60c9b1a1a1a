# Newsroom: `make run` serves the site, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

# The first interpreter that is Python 3.12 or newer: $PYTHON, then python3.x on PATH, then pyenv's.
define find_python
for c in "$$PYTHON" python3.13 python3.12 python3.14 python3 \
         $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
  [ -n "$$c" ] || continue; \
  if command -v "$$c" >/dev/null 2>&1 && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
    command -v "$$c"; exit 0; \
  fi; \
done; exit 1
endef

.PHONY: run test test-browser test-postgres test-redis test-cluster lint migrate seed gettext messages catalogues clean bench

$(VENV)/.installed: pyproject.toml
	@py="$$($(find_python))" || { \
	  echo "Newsroom needs Python 3.12 or newer (Django 6.1 requires it)." >&2; \
	  echo "Install one (e.g. 'pyenv install 3.13') or point PYTHON at it: make PYTHON=/path/to/python3.13" >&2; \
	  exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { rm -rf $(VENV); "$$py" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# A local secret for development, made once and never committed.
.env: $(VENV)/.installed
	@$(PY) -c 'import secrets; print("DJANGO_SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env with a fresh development secret."

# gettext's msgfmt compiles the interface's catalogues; Debian's package when it is missing.
gettext:
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt) from Debian's packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

# Compile the Chinese catalogues (locale/*/LC_MESSAGES/django.po -> .mo).
messages: $(VENV)/.installed gettext
	@if ls locale/*/LC_MESSAGES/django.po >/dev/null 2>&1; then \
	  $(MANAGE) compilemessages --ignore=.venv --verbosity 0; fi

# Refresh the catalogues after changing user-facing text; then translate what is new.
catalogues: $(VENV)/.installed gettext
	$(MANAGE) makemessages -l zh_Hant -l zh_Hans --no-obsolete \
	  --ignore=.venv --ignore=staticfiles --ignore=media --ignore=tests --ignore=bench

migrate: $(VENV)/.installed .env messages
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) signing_key --create-if-missing
	$(MANAGE) load_seed

run: seed
	@echo
	@echo "Newsroom is starting on http://127.0.0.1:$(PORT)/"
	@echo "To work in the admin (http://127.0.0.1:$(PORT)/admin/), create an account first:"
	@echo "    $(MANAGE) create_staff YOUR-NAME --role editor      (or --role publisher)"
	@echo "The worker (image renditions, download counts) runs beside it; Ctrl-C stops both."
	@echo
	PORT=$(PORT) bin/run

# The whole suite, and what keeps the code as README "Layout" says: ruff's lint and format, the
# import contracts (core below the apps, the apps independent), no import cycle between apps,
# and no model change without its migration.
test: $(VENV)/.installed messages
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) bin/import-cycles
	$(MANAGE) makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest -m "not browser and not cluster"

# The JavaScript paths, keyboard, print and accessibility (axe-core) in a real headless Chromium:
# Debian's, never a downloaded browser. axe-core comes from npm at the version in package-lock.json.
test-browser: $(VENV)/.installed messages
	@command -v chromium >/dev/null || { echo "Installing Chromium from Debian's packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }
	@command -v npm >/dev/null || { echo "Installing npm from Debian's packages"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	@[ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
	$(PY) -m pytest -m browser -p no:randomly tests/browser

# The load benchmark (bench/README.md): gunicorn as in production, wrk, a 20,000-release archive.
# Installs wrk from Debian's packages when missing; BENCH_ARGS="--duration 5" passes options.
bench: $(VENV)/.installed messages
	$(PY) bench/run.py $(BENCH_ARGS)

# The whole suite on a throwaway PostgreSQL cluster (Debian's server, installed when missing).
test-postgres: $(VENV)/.installed messages
	bin/with-postgres $(PY) -m pytest -m "not browser and not cluster"

# The whole suite with Django's cache in a throwaway Redis (Debian's, installed when missing).
test-redis: $(VENV)/.installed messages
	bin/with-redis $(PY) -m pytest -m "not browser and not cluster"

# Object storage's client and moto's S3 server, for the cluster test (and S3 in production).
$(VENV)/.installed-cluster: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test,s3,cluster]'
	@touch $@

# Several app servers (tests/cluster): two gunicorns with production settings behind nginx, on
# one throwaway PostgreSQL, Redis and S3-compatible store (moto), all stopped whatever happens.
test-cluster: $(VENV)/.installed-cluster messages
	@ports="$$($(PY) -c 'import socket; s = [socket.socket() for _ in "ab"]; [x.bind(("127.0.0.1", 0)) for x in s]; print(",".join(str(x.getsockname()[1]) for x in s))')"; \
	CLUSTER_PORTS="$$ports" bin/with-postgres bin/with-redis bin/with-moto \
	  bin/with-nginx "127.0.0.1:$${ports%,*},127.0.0.1:$${ports#*,}" \
	  $(PY) -m pytest -m cluster tests/cluster

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) .env db.sqlite3 db.sqlite3-* media staticfiles
