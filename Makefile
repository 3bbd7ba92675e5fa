# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install migrate load demo-user lint bench chromium serve

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py load_corpus
	$(PY) manage.py refresh_vocabulary

# A local researcher account for trying the tagging UI; only with DEBUG on.
demo-user: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py demo_user

run: load demo-user
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Production settings (DEBUG off, gunicorn, whitenoise) on this machine over plain HTTP.
# The secret key is made once and kept in .data/; see README "Production".
SERVE_ENV = DJANGO_ENV=production DJANGO_LOOPBACK_HTTP=1 \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat .data/secret-key)} \
	CONN_MAX_AGE=$${CONN_MAX_AGE:-60}

.data/secret-key:
	mkdir -p .data
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: load .data/secret-key
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi

# Browser tests drive Debian's Chromium; install it when we can (root with apt).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "Could not install chromium: browser tests will be skipped."; \
	  else \
	    echo "chromium not found: browser tests will be skipped (apt-get install chromium)."; \
	  fi; }

test: install chromium
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

bench: load
	$(PY) bench/ingest.py
	$(PY) bench/search.py
	$(PY) bench/reader.py
	$(PY) bench/reader_browser.py
	$(PY) bench/export.py
	$(PY) bench/analysis.py
	$(PY) bench/agreement.py
	$(PY) bench/refi.py
