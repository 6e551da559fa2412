# telereg: `make demo` runs it, `make test` proves it. Both set everything up themselves.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-inner bench bench-inner lint fmt clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	scripts/demo.sh

test: install
	scripts/with-postgres.sh $(MAKE) --no-print-directory test-inner

test-inner:
	$(PY) -m ruff check .
	SECRET_KEY=ci $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 -q $(PYTEST_ARGS)

bench: install
	PG_DURABLE=1 scripts/with-postgres.sh $(MAKE) --no-print-directory bench-inner

bench-inner:
	SECRET_KEY=bench DJANGO_SETTINGS_MODULE=config.settings $(PY) -m bench $(BENCH_ARGS)

lint: install
	$(PY) -m ruff check .

fmt: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf var/ .pytest_cache
