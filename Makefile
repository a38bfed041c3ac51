# Notes API. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PORT ?= 5000
NOTES_DB_PORT ?= 5432
export NOTES_DB_PORT
export DOTNET_NOLOGO := 1
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

RESULTS := .artifacts/test-results

# Without a configured database (ConnectionStrings__Notes or the seed's db_host), run and test start the private
# cluster of scripts/db.sh and point the API at it.
ifeq ($(strip $(ConnectionStrings__Notes)$(db_host)),)
DB := db-up
export db_port := $(NOTES_DB_PORT)
endif

.PHONY: help run token handover test test-schema build db-up db-down db-reset db-status seed load-test load-test-headless adminer adminer-check metrics metrics-check screenshots docs-csp-check bench soak docs docs-build \
	cluster cluster-status cluster-down cluster-check bench-cluster

HOST ?= http://localhost:$(PORT)
USERS ?= 50
SPAWN_RATE ?= 10
DURATION ?= 60s
REPORTS := locust/reports
# The APIs make metrics scrapes: make run's and the instances of make cluster.
METRICS_PORTS ?= $(PORT) 5200 5201 5202
export METRICS_PORTS

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-20s %s\n", $$1, $$2}'

# AUTH=on: the API takes only bearer tokens signed with the dev key (scripts/dev-auth.sh; make token USER=alice gives
# one); make cluster gives its instances the same. Without it the API runs open, as the demo did.
AUTH ?= off
ifeq ($(filter on off,$(AUTH)),)
$(error AUTH=$(AUTH): say AUTH=on for bearer tokens, or leave it out for an open API)
endif
AUTH_ENV := $(if $(filter on,$(AUTH)),auth=$$(scripts/dev-auth.sh) && eval "$$auth" && echo "make run: bearer tokens signed with the dev key are required; make token USER=alice gives one" >&2 && )

run: $(DB) ## restore, build and serve the API on http://localhost:5000 (PORT=...), with a private PostgreSQL if none is configured; AUTH=on takes only tokens of make token
	dotnet build Notes.csproj -c Release --nologo -v quiet
	$(AUTH_ENV)Shutdown__DrainSeconds=0 dotnet run --no-build -c Release --project Notes.csproj --urls http://localhost:$(PORT)

EXPIRES ?= 1h
token: ## print a bearer token for USER signed with the dev key (make token USER=alice; EXPIRES=8h), taken by make run AUTH=on
# USER from the environment is the login name: only the command line's counts
ifeq ($(if $(filter command line,$(origin USER)),$(strip $(USER))),)
	@echo "make token: name the token's user: make token USER=alice" >&2; exit 2
endif
	@scripts/ensure-packages.sh python3-jwt
	@/usr/bin/python3 scripts/dev-token.py "$(USER)" --expires "$(EXPIRES)"

handover: ## give USER every note of open mode's built-in owner, e.g. a database's from before owners (make handover USER=alice); prints how many
# as for make token, only the command line's USER counts
ifeq ($(if $(filter command line,$(origin USER)),$(strip $(USER))),)
	@echo "make handover: name the user who gets the notes: make handover USER=alice" >&2; exit 2
endif
	@$(if $(DB),scripts/db.sh up && )scripts/handover.sh '$(subst ','\'',$(USER))'

test: $(DB) ## build and run every test against a real PostgreSQL (results in .artifacts/test-results)
	rm -rf $(RESULTS)
	dotnet test tests/Notes.Tests.csproj --nologo --logger "trx;LogFileName=notes.trx" --logger "console;verbosity=minimal" --results-directory $(RESULTS)

test-schema: $(DB) ## the HTTP tests again with every table in another schema (Database__Schema=notes_app), as CI runs them
	Database__Schema=notes_app dotnet test tests/Notes.Tests.csproj --nologo --filter "FullyQualifiedName~Notes.Tests.Http" --logger "console;verbosity=minimal"

build: ## compile the API and the tests (style rules and warnings fail the build)
	dotnet build tests/Notes.Tests.csproj --nologo

db-up: ## start the private PostgreSQL (notes/notes/notes on localhost:$NOTES_DB_PORT), installing it if missing
	@scripts/db.sh up

db-down: ## stop the private PostgreSQL
	@scripts/db.sh down

db-status: ## say whether the private PostgreSQL runs
	@scripts/db.sh status

db-reset: ## stop the private PostgreSQL and delete its data
	@scripts/db.sh reset

NOTES ?= 100000
seed: ## fill the running API's database through POST /notes/import (NOTES=1000000, HOST=...), with a progress bar
	@scripts/wait-for-api.sh $(HOST)
	@/usr/bin/python3 scripts/seed.py $(HOST) $(NOTES)

load-test: ## open locust's web UI on http://127.0.0.1:8089 against the running API (HOST=...)
	@scripts/ensure-packages.sh python3-locust
	@scripts/wait-for-api.sh $(HOST)
	locust -f locust/locustfile.py --host $(HOST) --web-host 127.0.0.1 --web-port 8089

SEED ?= 0
load-test-headless: ## bounded run against the running API (USERS=50 SPAWN_RATE=10 DURATION=60s, SEED=100000 to import notes first); CSV + HTML in locust/reports; fails on any failed request
	@scripts/ensure-packages.sh python3-locust
	@scripts/wait-for-api.sh $(HOST)
	@if [ "$(SEED)" -gt 0 ]; then /usr/bin/python3 scripts/seed.py $(HOST) $(SEED); fi
	@mkdir -p $(REPORTS)
	locust -f locust/locustfile.py --host $(HOST) --headless --users $(USERS) --spawn-rate $(SPAWN_RATE) --run-time $(DURATION) \
		--stop-timeout 10 --csv $(REPORTS)/notes --html $(REPORTS)/notes.html --exit-code-on-error 1
	@echo "reports: $(REPORTS)/notes.html, $(REPORTS)/notes_stats.csv"

adminer: $(DB) ## serve adminer on http://127.0.0.1:8080 against the local database (read-only login notes_inspector / notes_inspector, which sees every owner's notes)
	@scripts/ensure-packages.sh adminer php-cli php-pgsql
	@echo "adminer: http://127.0.0.1:8080/?pgsql=127.0.0.1:$(NOTES_DB_PORT)&username=notes_inspector&db=notes&ns=$(or $(Database__Schema),public)&select=mt_doc_note (password: notes_inspector; read-only, every owner's notes)"
	php -S 127.0.0.1:8080 -t /usr/share/adminer /etc/adminer/conf.php

adminer-check: $(DB) ## check that adminer logs in as notes_inspector and shows the notes the API stored in mt_doc_note
	@scripts/ensure-packages.sh adminer php-cli php-pgsql
	scripts/adminer-check.sh

metrics: ## Prometheus on http://127.0.0.1:9090 scraping the running API(s) (METRICS_PORTS="5000 5200 5201 5202"), with recording rules
	@scripts/ensure-packages.sh prometheus
	scripts/metrics.sh serve

metrics-check: $(DB) ## check that Prometheus scrapes an API of its own and that every recording rule gives a value (about 30 s)
	@scripts/ensure-packages.sh prometheus
	scripts/metrics.sh check

screenshots: $(DB) ## make the docs' screenshots again (API docs, adminer, locust and Prometheus during a run) with headless Chromium
	@scripts/ensure-packages.sh chromium adminer php-cli php-pgsql python3-locust prometheus
	scripts/screenshots.sh

docs-csp-check: $(DB) ## check in headless Chromium that /docs works under the API's Content-Security-Policy (no violation, a request sent)
	@scripts/ensure-packages.sh chromium
	scripts/docs-csp-check.sh

bench: $(DB) ## the API beside a bare ASP.NET Core + Npgsql baseline, PostgreSQL alone and an earlier build of the API (BENCH_REFERENCE) (about 14 min; BENCH_BIG=0 for a quick run), then the cluster with 1, 2 and 3 instances (about 4 min); tables + charts in .artifacts/bench
	@scripts/ensure-packages.sh wrk
	scripts/bench.sh
	NOTES_AUTH=$(AUTH) deploy/cluster/bench.sh

bench-cluster: ## the cluster part of make bench alone: reads and writes through nginx with 1, 2 and 3 API instances
	@scripts/ensure-packages.sh wrk
	NOTES_AUTH=$(AUTH) deploy/cluster/bench.sh

cluster: ## etcd, two PostgreSQL nodes under Patroni (synchronous standby), three API instances and nginx on http://localhost:5000; AUTH=on as for make run
	@NOTES_AUTH=$(AUTH) deploy/cluster/cluster.sh up

cluster-status: ## the cluster's PostgreSQL nodes (role, lag, connections), API instances (health) and nginx
	@deploy/cluster/cluster.sh status

cluster-down: ## stop the cluster and delete its data
	@deploy/cluster/cluster.sh down

cluster-check: ## the cluster's proofs under load: 1,200 concurrent creates, SIGTERM to an instance, SIGKILL to the primary (figures in .artifacts/cluster-check)
	@NOTES_AUTH=$(AUTH) deploy/cluster/check.sh

soak: $(DB) ## mixed locust load on a Release build for SOAK=5m (e.g. SOAK=60s), sampling RSS and 5xx; fails on any 5xx or growing memory; chart in .artifacts/soak
	@scripts/ensure-packages.sh python3-locust
	scripts/soak.sh

docs: ## serve the documentation site on http://127.0.0.1:8000 (mkdocs, live reload)
	@scripts/ensure-packages.sh mkdocs mkdocs-material
	mkdocs serve --dev-addr 127.0.0.1:8000

docs-build: ## build the documentation site into site/ with --strict (warnings fail it)
	@scripts/ensure-packages.sh mkdocs mkdocs-material
	mkdocs build --strict --site-dir site
