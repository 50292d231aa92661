# Two entry points: `make site` builds the site, `make test` runs every check.
# Both create .venv and install pinned dependencies (constraints.txt) on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: site serve check test lint browser-deps golden bench schema

site: $(VENV)/.site-deps
	$(BIN)/mkdocs build

serve: $(VENV)/.site-deps
	$(BIN)/mkdocs serve --livereload --dirty --no-strict

# The claims check alone; pass options in CHECK_FLAGS, e.g. CHECK_FLAGS="--strict".
check: $(VENV)/.site-deps
	$(BIN)/python -m generator check $(CHECK_FLAGS)

test: $(VENV)/.test-deps browser-deps lint
	$(BIN)/pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	# The workflows against GitHub's published workflow schema, vendored in check-jsonschema.
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

# Chromium and Java from Debian's packages (no tool downloads a browser of its own), and the
# pinned npm tools that judge the built site: axe-core, vnu-jar, Lighthouse and pa11y.
browser-deps: node_modules/.installed
	@test -x /usr/bin/chromium || scripts/install-chromium
	@command -v java >/dev/null 2>&1 || scripts/install-java

node_modules/.installed: package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Refresh the golden files (generated Markdown, and the messages for tests/fixtures/broken)
# after a deliberate change; review the diff before committing.
golden: $(VENV)/.test-deps
	$(BIN)/python -m tests.golden
	$(BIN)/python -m tests.test_load

# Regenerate the JSON Schema of claims files from the model (tests fail while it is stale).
schema: $(VENV)/.site-deps
	$(BIN)/python -m generator schema --out schema/claims.schema.json

# Benchmarks print figures; they are not part of `make test`.
BENCH_SIZES ?= 1000 10000
bench: $(VENV)/.test-deps browser-deps
	$(BIN)/python bench/bench_scale.py --sizes $(BENCH_SIZES) --write BENCHMARKS.md

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.site-deps: $(VENV)/bin/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	@touch $@

$(VENV)/.test-deps: $(VENV)/.site-deps
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	@touch $@
