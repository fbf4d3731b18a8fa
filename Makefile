# Two commands on a fresh machine: `make run` serves the app, `make test` runs every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
KB ?= var/kb
CORPUS ?= ../shared/corpus
EXTERNAL ?= ../shared/external

.PHONY: install dev-install run test test-fast lint bench eval eval-kbs train system-deps screenshots clean

install: $(VENV)/.installed
dev-install: $(VENV)/.dev-installed

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# llama-cpp-python ships only as source: its first build compiles llama.cpp (~10-30 min on 2 cores, then pip's
# cache serves it). It is built on its own, printing cmake's [NN%] lines with the seconds elapsed (full log in
# .venv/llama-build.log), so a first `make test` is not silent. Built for this processor (-march=native) it
# crashed in its first decode on an AVX-512/AMX Xeon (segfault, 2026-11-30): a portable AVX2 build runs everywhere.
LLAMA_PIN = $(shell grep -E '^llama-cpp-python' requirements-dev.txt)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	@if ! $(BIN)/pip show llama-cpp-python >/dev/null 2>&1; then \
	  echo "== building $(LLAMA_PIN) from source (first time only: ~10-30 min on 2 cores; needs a C/C++ compiler and cmake) =="; \
	  start=$$(date +%s); \
	  CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -v '$(LLAMA_PIN)' 2>&1 | tee $(VENV)/llama-build.log \
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
# slapd (OpenLDAP) for the LDAP login tests, which start their own server on loopback; postgresql and redis-server
# for the PostgreSQL and multi-replica tests (throwaway servers on loopback, never the system services).
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto.*cjk" || [ ! -x /usr/bin/tesseract ] \
	    || [ ! -x /usr/sbin/slapd ] || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	    || [ ! -x /usr/bin/redis-server ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
	      tesseract-ocr tesseract-ocr-chi-sim slapd postgresql redis-server >/dev/null \
	      || echo "could not install chromium/tesseract/slapd/postgresql/redis: browser, OCR-comparison, LDAP, PostgreSQL and queue tests will be skipped"; \
	  else echo "browser, OCR, LDAP, PostgreSQL and queue tests need: apt-get install chromium fonts-noto-cjk tesseract-ocr tesseract-ocr-chi-sim slapd postgresql redis-server"; fi; \
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

LOAD_QUESTIONS = $(CORPUS)/dev.jsonl $(EXTERNAL)/crud_rag/questions.jsonl $(EXTERNAL)/ncp_policies/questions.jsonl
# The load bench asks over the dev corpus the bench just indexed, a different question per request (the three
# tuning sources' questions; the others' are refused there, which costs the same pipeline): once as a burst (every
# question the moment the last is answered), once as people at a chat ask (reading each answer ~10 s).
bench: install
	rm -rf var/bench-kb
	$(BIN)/python -m kb bench --docs $(CORPUS)/docs --questions $(CORPUS)/dev.jsonl --kb var/bench-kb
	$(BIN)/python -m kb bench-load --kb var/bench-kb --users 10 50 --per-user 4 --questions $(LOAD_QUESTIONS)
	$(BIN)/python -m kb bench-load --kb var/bench-kb --users 50 --per-user 4 --think 10 --questions $(LOAD_QUESTIONS)

# The three tuning sources, each indexed once into var/ (ingest skips unchanged files on later runs).
eval-kbs: install
	$(BIN)/python -m ingest $(CORPUS)/docs --kb var/eval-kb
	$(BIN)/python -m ingest $(EXTERNAL)/crud_rag/docs --kb var/crud-kb
	$(BIN)/python -m ingest $(EXTERNAL)/ncp_policies/docs --kb var/ncp-kb

# Every metric on every source side by side (dev, crud_rag, ncp), with hidden-gold refusal.
eval: eval-kbs
	$(BIN)/python -m kb eval-sets --out-dir var

# Re-extract the training rows from the three sources and refit the answer model (kb/answer/models/).
train: eval-kbs
	$(BIN)/python -m kb train --extract

clean:
	rm -rf var
