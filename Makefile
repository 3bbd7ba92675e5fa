# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install migrate load demo-user lint bench chromium

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
	$(PY) bench/export.py
