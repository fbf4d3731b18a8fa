# Two commands on a fresh machine: `make run` serves the app, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
KB ?= var/kb
CORPUS ?= ../shared/corpus

.PHONY: install dev-install run test test-fast lint bench eval eval-crud system-deps screenshots clean

install: $(VENV)/.installed
dev-install: $(VENV)/.dev-installed

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# llama-cpp-python ships only as source: its first build compiles llama.cpp (~20-30 min on 2 cores, then pip's
# cache serves it). It is built on its own, printing cmake's [NN%] lines with the seconds elapsed (full log in
# .venv/llama-build.log), so a first `make test` is not silent.
LLAMA_PIN = $(shell grep -E '^llama-cpp-python' requirements-dev.txt)
$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	@if ! $(BIN)/pip show llama-cpp-python >/dev/null 2>&1; then \
	  echo "== building $(LLAMA_PIN) from source (first time only: ~20-30 min on 2 cores; needs a C/C++ compiler and cmake) =="; \
	  start=$$(date +%s); \
	  $(BIN)/pip install -v '$(LLAMA_PIN)' 2>&1 | tee $(VENV)/llama-build.log \
    | grep --line-buffered -E '\[ *[0-9]+%\]|Building wheel|Successfully|rror' \
    | while IFS= read -r line; do printf '[%4ss] %s\n' $$(( $$(date +%s) - start )) "$$line"; done; \
  $(BIN)/pip show llama-cpp-python >/dev/null || { echo "llama-cpp-python did not build: see $(VENV)/llama-build.log"; exit 1; }; \
	  echo "== llama-cpp-python built in $$(( $$(date +%s) - start )) s =="; \
	fi
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: install
	$(BIN)/python app.py

# Chromium and a CJK font for the browser tests (Debian packages; Playwright's own browser download cannot work offline);
# slapd (OpenLDAP) for the LDAP login tests, which start their own server on loopback.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" || [ ! -x /usr/sbin/slapd ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk slapd >/dev/null \
	      || echo "could not install chromium/slapd: browser and LDAP tests will be skipped"; \
	  else echo "browser and LDAP tests need: apt-get install chromium fonts-noto-cjk slapd"; fi; \
	fi

lint: dev-install
	$(BIN)/ruff check .

test: dev-install system-deps lint
	$(BIN)/python -m pytest -q

# The browser tests write their screenshots to a temporary folder; this target writes them into docs/screenshots.
screenshots: dev-install system-deps
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/e2e

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
