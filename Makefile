# PRO: make run serves the platform, make test runs the whole suite.
# Every install goes through constraints.txt, also pip's isolated build
# environments (PIP_CONSTRAINT is read by those too).

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= instance.yaml
PYTEST_ARGS ?=
LINTED := $(wildcard src tests bench)
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install install-test instance run test lint format bench site theme \
	backup restore pack mail-worker clean

help:
	@echo "make run     install and start the platform at http://localhost:8080/pro"
	@echo "make test    install the test tools and run lint and the whole suite"
	@echo "make bench   print start-up, memory and site-creation figures"
	@echo "make theme   rebuild the theme's CSS from npm (needs Node.js and npm)"
	@echo "make site ARGS='--id x --title X --organisation Y'   create a site"
	@echo "make backup  back up the RelStorage database and files (CONFIG=...)"
	@echo "make restore BACKUP=var/backups/<time>   restore into an empty database"
	@echo "make pack    pack the RelStorage database with zodbpack"

	@echo "make mail-worker   send the queued mail (stop make run first on FileStorage)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip setuptools wheel

# The theme serves NL Design System component CSS from npm (package.json and
# its lock file). The concatenated file is committed, so installs without
# Node.js (pip, Docker, buildout) serve the same CSS; this target rebuilds it
# when the npm packages change, and on a fresh clone.
UTRECHT_CSS := $(CURDIR)/src/pro/theme/static/vendor/utrecht.css
UTRECHT_COMPONENTS := document html-content skip-link link link-list \
	page-header page-footer breadcrumb-nav button heading-1 heading-2 \
	heading-3 paragraph

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(UTRECHT_CSS): node_modules/.package-lock.json Makefile
	@mkdir -p $(dir $@)
	{ printf '/* @utrecht/component-library-css %s, built by make theme.\n * @license EUPL-1.2\n * Copyright (c) 2020-2024 Frameless B.V.\n * Copyright (c) 2021-2024 Gemeente Utrecht\n */\n' \
	    "$$(node -p 'require("./node_modules/@utrecht/component-library-css/package.json").version')"; \
	  for name in $(UTRECHT_COMPONENTS); do \
	    cat node_modules/@utrecht/$$name-css/dist/index.min.css; printf '\n'; \
	  done; } > $@.tmp
	mv $@.tmp $@

theme: $(UTRECHT_CSS)

$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt | theme
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed-run

install-test: $(VENV)/.installed-test

instance: install
	$(BIN)/pro-instance render --config $(CONFIG)

run: install
	$(BIN)/pro-instance serve --config $(CONFIG)

lint: install-test
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: install-test
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# bench/run.py prints the platform's own figures; each bench/bench_*.py
# measures one shared service.
bench: install-test
	$(BIN)/python bench/run.py
	for script in bench/bench_*.py; do \
	  [ -e "$$script" ] || continue; $(BIN)/python "$$script" || exit 1; \
	done

site: install
	$(BIN)/pro-site --config $(CONFIG) create $(ARGS)

# Operations on a RelStorage instance; they run beside the serving instances.
backup: install
	$(BIN)/pro-instance backup --config $(CONFIG)

restore: install
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=<backup folder>"; exit 2; }
	$(BIN)/pro-instance restore --config $(CONFIG) --from "$(BACKUP)"

pack: install
	$(BIN)/pro-instance pack --config $(CONFIG)

# Drains the outbox; on the embedded FileStorage it needs the database to
# itself, so stop make run first (on RelStorage it runs beside the servers).
mail-worker: install
	$(BIN)/pro-mail-worker --config $(CONFIG) $(ARGS)

clean:
	rm -rf $(VENV) var
