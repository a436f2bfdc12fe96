# make run   — the service on SQLite with the demo county, at http://127.0.0.1:5000
# make test  — the whole test suite on SQLite and PostgreSQL
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test test-sqlite test-pg lint browser-deps postgres clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

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

test: $(STAMP) lint postgres browser-deps
	$(BIN)/python -m pytest -q

test-sqlite: $(STAMP)
	YS_TEST_DB=sqlite $(BIN)/python -m pytest -q

test-pg: $(STAMP) postgres
	YS_TEST_DB=postgresql $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) instance .pytest_cache
