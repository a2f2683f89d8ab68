# The two commands of the README: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed-run

.PHONY: run test lint bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# `make run` installs certprep alone; `make test` adds what the tests and benchmarks need.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/certprep start

test: $(STAMP) browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

# Browser tests use Debian's chromium (never a downloaded browser). Root installs it; anyone
# else is told which package to install, and the browser tests are skipped.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium for the browser tests"; \
		apt-get install -y -q chromium >/dev/null || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null); \
	else echo "NOTE: install Debian's 'chromium' package (sudo apt-get install chromium) to run the browser tests; they are skipped"; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/form_assembly.py
	$(BIN)/python benchmarks/cli_startup.py
	$(BIN)/python benchmarks/learning_speed.py
	$(BIN)/python benchmarks/lab_grading.py
	$(BIN)/python benchmarks/answer_cost.py
	$(BIN)/python benchmarks/web_load.py
	$(BIN)/python benchmarks/calibration_speed.py
	$(BIN)/python benchmarks/scoring_speed.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
