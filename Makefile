# Two commands on a fresh machine: `make run` serves the app, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
KB ?= var/kb
CORPUS ?= ../shared/corpus

.PHONY: install dev-install run test test-fast lint bench eval eval-crud system-deps clean

install: $(VENV)/.installed
dev-install: $(VENV)/.dev-installed

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: install
	$(BIN)/python app.py

# Chromium and a CJK font for the browser tests (Debian packages; Playwright's own browser download cannot work offline).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" || [ ! -x /usr/bin/tesseract ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
	      tesseract-ocr tesseract-ocr-chi-sim >/dev/null \
	      || echo "could not install chromium: browser tests will be skipped"; \
	  else echo "browser tests need: apt-get install chromium fonts-noto-cjk"; fi; \
	fi

lint: dev-install
	$(BIN)/ruff check .

test: dev-install system-deps lint
	$(BIN)/python -m pytest -q

test-fast: dev-install
	$(BIN)/python -m pytest -q -m "not slow and not e2e"

bench: install
	$(BIN)/python -m kb bench --docs $(CORPUS)/docs --questions $(CORPUS)/dev.jsonl

# Index the shared corpus once into var/eval-kb, then score the dev set.
eval: install
	$(BIN)/python -m ingest $(CORPUS)/docs --kb var/eval-kb
	$(BIN)/python -m kb eval $(CORPUS)/dev.jsonl --kb var/eval-kb

eval-crud: install
	$(BIN)/python -m ingest ../shared/external/crud_rag/docs --kb var/crud-kb
	$(BIN)/python -m kb ask --batch ../shared/external/crud_rag/questions.jsonl --out var/crud-answers.jsonl --kb var/crud-kb
	$(PY) $(CORPUS)/score.py ../shared/external/crud_rag/questions.jsonl var/crud-answers.jsonl --corpus-text ../shared/external/crud_rag/docs

clean:
	rm -rf var
