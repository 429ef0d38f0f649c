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

.PHONY: help install install-test instance run test lint format bench site clean

help:
	@echo "make run     install and start the platform at http://localhost:8080/pro"
	@echo "make test    install the test tools and run lint and the whole suite"
	@echo "make bench   print start-up, memory and site-creation figures"
	@echo "make site ARGS='--id x --title X --organisation Y'   create a site"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip setuptools wheel

$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt
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

bench: install-test
	$(BIN)/python bench/run.py

site: install
	$(BIN)/pro-site --config $(CONFIG) create $(ARGS)

clean:
	rm -rf $(VENV) var
