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

.PHONY: help run test build db-up db-down db-reset db-status

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-20s %s\n", $$1, $$2}'

run: $(DB) ## restore, build and serve the API on http://localhost:5000 (PORT=...), with a private PostgreSQL if none is configured
	dotnet build Notes.csproj -c Release --nologo -v quiet
	dotnet run --no-build -c Release --project Notes.csproj --urls http://localhost:$(PORT)

test: $(DB) ## build and run every test against a real PostgreSQL (results in .artifacts/test-results)
	rm -rf $(RESULTS)
	dotnet test tests/Notes.Tests.csproj --nologo --logger "trx;LogFileName=notes.trx" --logger "console;verbosity=minimal" --results-directory $(RESULTS)

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
