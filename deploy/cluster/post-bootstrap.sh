#!/usr/bin/env bash
# Patroni's post_bootstrap: runs once on the first primary with a superuser connection URL as $1.
# The read-only login for inspection comes from scripts/notes-inspector.sql, which cluster.sh puts beside this file.
set -euo pipefail
psql -X -q -v ON_ERROR_STOP=1 "$1" <<'SQL'
create role notes login password 'notes';
create database notes owner notes;
SQL
psql -X -q -v ON_ERROR_STOP=1 "$1" -f "$(dirname "$0")/notes-inspector.sql"
