# Tongban — the two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := tongban.config.settings

.PHONY: run test test-browser bench lint install install-dev seed migrate clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/tongban migrate --noinput

seed: migrate
	$(BIN)/tongban seed_demo

## make run: install, migrate, seed the demo province, start the web server and the task worker.
run: seed
	$(BIN)/tongban collectstatic --noinput --verbosity 0
	@$(BIN)/tongban demo_accounts --url http://$(HOST):$(PORT)/
	@trap 'kill 0' INT TERM EXIT; \
	  $(BIN)/tongban worker & \
	  $(BIN)/tongban runserver --noreload $(HOST):$(PORT)

## make test: install dev dependencies and run the whole suite (browser journeys included
## when Debian's chromium is installed; CI installs it and fails if it is missing).
test: install-dev
	$(BIN)/python -m pytest -m "not browser" -p no:cacheprovider
	@if [ -x /usr/bin/chromium ] || [ -n "$$CI" ]; then $(MAKE) --no-print-directory test-browser; \
	  else echo "chromium not installed: browser journeys not run (apt-get install chromium)"; fi

test-browser: install-dev
	$(BIN)/python -m pytest -m browser -p no:cacheprovider

bench: install-dev
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: install-dev
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench

## make messages: regenerate the English catalogue from the Chinese source texts and compile it
## (needs GNU gettext on the developer's machine; the committed .mo means production does not).
.PHONY: messages
messages: install
	cd src/tongban && $(CURDIR)/$(BIN)/tongban makemessages -l en --add-location=file \
	  --ignore='.venv/*' --ignore='*/tests/*' --ignore='testing/*'
	cd src/tongban && $(CURDIR)/$(BIN)/tongban compilemessages -l en --ignore='.venv/*'

clean:
	rm -rf var
