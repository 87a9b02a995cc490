# kechuang — two commands: `make run` (platform with the 2022 plan and demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run dev test test-fast fuzz bench venv system-deps migrate demo lint check-deploy

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

venv: $(VENV)/.installed

system-deps:
	./scripts/system-deps.sh

migrate: venv
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py demo

# System fonts first: the demo renders bulletin charts and documents, which need the CJK fonts installed.
# Then gunicorn (workers = CPUs) and one django-q2 task worker, together; Ctrl+C stops both (scripts/run.sh).
run: venv
	-./scripts/system-deps.sh run
	$(MAKE) demo
	$(PY) manage.py collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) WEB_WORKERS=$(WORKERS) ./scripts/run.sh

# The development server with DEBUG on (auto-reload), plus the task worker; Ctrl+C stops both.
dev: demo
	HOST=$(HOST) PORT=$(PORT) ./scripts/run.sh dev

test: system-deps venv
	./scripts/test.sh

# The edit-test loop: SQLite only, no browser tests (CI and `make test` run everything).
test-fast: venv
	KECHUANG_TEST_DATABASES=sqlite ./scripts/test.sh -m "not browser"

# schemathesis over the API with many more examples than CI (about 15 minutes per database on 2 CPUs).
fuzz: venv
	KECHUANG_FUZZ_EXAMPLES=$${KECHUANG_FUZZ_EXAMPLES:-250} KECHUANG_TEST_WORKERS=auto ./scripts/test.sh kechuang/api/tests/test_fuzz.py

bench: venv
	$(PY) -m kechuang.bench

# ruff, then the floors (pyproject.toml [tool.importlinter]: a lower app never imports a higher one).
lint: venv
	$(VENV)/bin/ruff check kechuang
	$(VENV)/bin/lint-imports --no-cache

check-deploy: venv
	KECHUANG_DEBUG=false KECHUANG_HTTPS=true KECHUANG_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) KECHUANG_PII_KEY=x \
	KECHUANG_ALLOWED_HOSTS=kechuang.example $(PY) manage.py check --deploy --fail-level WARNING
