# One Makefile for people, CI and hooks. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install run serve test lint typecheck unit integration eval bench fuzz load \
        run-distributed stop-distributed clean

help:
	@echo "make run    - install (if needed), migrate, load demo data, serve on http://127.0.0.1:8000"
	@echo "make test   - install, then ruff, mypy and every test tier"
	@echo "make lint   - ruff and mypy only"
	@echo "make eval   - extraction quality on labelled real NHS Jobs adverts"
	@echo "make bench  - benchmarks (see docs/BENCHMARKS.md)"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/routeway serve

serve: run

run-distributed: install
	$(BIN)/python deploy/run_distributed.py start

stop-distributed:
	$(BIN)/python deploy/run_distributed.py stop

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check services/common gateway
	$(BIN)/mypy

typecheck: install
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

unit: install
	$(BIN)/pytest -q -m "not integration and not realdata"

integration: install
	$(BIN)/pytest -q -m integration

eval: install
	$(BIN)/python eval/run_eval.py
	$(BIN)/python eval/readers.py
	$(BIN)/python eval/readers.py --readers eval/nhs_jobs_soc2_readers.jsonl
	$(BIN)/python eval/readers.py --readers eval/nhs_jobs_soc3_readers.jsonl
	$(BIN)/python eval/readers.py --readers eval/nhs_jobs_soc4_readers.jsonl
	$(BIN)/python eval/readers.py --readers eval/nhs_jobs_soc5_readers.jsonl
	$(BIN)/python eval/readers.py --skills eval/nhs_jobs_dev_skills_reader2.jsonl

bench: install
	$(BIN)/python -m bench.run_all

# schemathesis over every operation and role with many more examples, fresh seeds each run
FUZZ_EXAMPLES ?= 200
fuzz: install
	ROUTEWAY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) ROUTEWAY_FUZZ_RANDOM=1 \
	  $(BIN)/pytest -q -s -p no:cacheprovider tests/reliability/test_schemathesis.py

# steady mixed load on embedded mode over loopback (ROUTEWAY_LOAD_SECONDS, ROUTEWAY_LOAD_RATE)
load: install
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
