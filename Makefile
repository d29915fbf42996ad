# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PORT   ?= 8000
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run setup test install install-test clean

## make run: set everything up (venv, packages, database, reference data, demo) and serve on 127.0.0.1:$(PORT)
run: setup
	PORT=$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

setup: install
	$(FLASK) db upgrade
	$(FLASK) bootstrap
	$(FLASK) demo --applications 8 --if-empty --keep-deadlines

## make test: install the test requirements and run the test suite
test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(VENV)/.installed
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
