# Two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: setup demo test lint format bench bench-http load messages

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python bench/run.py

# Load and faults (issue 9): gunicorn -w 2 on PostgreSQL and Redis, loopback
# only, about three minutes; restarts PostgreSQL (root). Not part of `make test`.
load: setup
	$(BIN)/python bench/load.py

# The issue page under gunicorn -w 2 with wrk (apt-get install wrk).
bench-http: setup
	$(BIN)/python bench/gunicorn_wrk.py

# Re-extract the interface strings into locale/*/LC_MESSAGES/django.po and
# compile the .mo files (committed). Needs GNU gettext: apt-get install gettext.
messages: setup
	DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --ignore=media --ignore=node_modules --no-obsolete -e html,txt,py,md
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv
