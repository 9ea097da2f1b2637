# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
FLASK  := $(VENV)/bin/flask --app wsgi
PYTEST := $(PY) -m pytest -p no:cacheprovider
PORT   ?= 5000

.PHONY: run test install dev chromium lint bench messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: $(VENV)/.dev-installed chromium

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

run: install
	$(FLASK) db upgrade
	$(FLASK) lms seed-catalog
	$(FLASK) lms ensure-admin
	@# One task consumer next to the web server; Ctrl-C (or the server exiting) stops both.
	@$(VENV)/bin/huey_consumer wsgi.huey --workers 2 --worker-type thread --max-delay 1 --quiet & consumer=$$!; \
	  trap 'kill -INT $$consumer 2>/dev/null; wait $$consumer' EXIT INT TERM; \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: dev lint
	$(PYTEST) -n 2 --dist loadfile
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== Same suite on PostgreSQL"; \
	  LMS_TEST_DB_URL="$$TEST_DATABASE_URL" $(PYTEST) -n 2 --dist loadfile; \
	fi

# ruff, and import-linter's contracts (pyproject.toml): the layers of docs/architecture.md.
lint: dev
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

bench: install
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# The UI strings (templates and Python) into translations/messages.pot; see README to add English.
messages: install
	mkdir -p translations
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o translations/messages.pot .

clean:
	rm -rf $(VENV) .pytest_cache
