# make run   — the service on SQLite with the demo county, at http://127.0.0.1:5000
# make test  — the whole test suite: on SQLite, and the tests of dialect-specific code
#              (marked both_db) on PostgreSQL too; one worker process per core (pytest-xdist)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Test worker processes (pytest-xdist): one per core; each has its own databases. A file's tests
# stay on one worker, so its module-wide fixtures are built once.
XDIST  ?= -n auto --dist loadfile

.PHONY: run test test-sqlite test-pg lint browser-deps postgres clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Readable log lines on a developer's terminal; production keeps the default JSON lines.
run: export LOG_FORMAT ?= text
run: $(STAMP)
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app seed-demo --if-empty
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python app.py

postgres:
	@scripts/ensure-postgres.sh

browser-deps:
	@scripts/ensure-chromium.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: $(STAMP) lint postgres browser-deps
	$(BIN)/python -m pytest -q $(XDIST)

test-sqlite: $(STAMP)
	YS_TEST_DB=sqlite $(BIN)/python -m pytest -q $(XDIST)

test-pg: $(STAMP) postgres
	YS_TEST_DB=postgresql $(BIN)/python -m pytest -q $(XDIST)

clean:
	rm -rf $(VENV) instance .pytest_cache

# make translations — re-extract the console's and public site's strings into
# translations/messages.pot, merge them into the English catalogue and compile it (.mo).
# Chinese is the source language: zh_CN needs no catalogue.
.PHONY: translations
translations: $(STAMP)
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
		--sort-output --project=ys-duban -o translations/messages.pot .
	@if [ -f translations/en/LC_MESSAGES/messages.po ]; then \
		$(BIN)/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching \
			--ignore-obsolete; \
	else \
		$(BIN)/pybabel init -i translations/messages.pot -d translations -l en; \
	fi
	$(BIN)/pybabel compile -d translations -l en --statistics
