#!/usr/bin/env bash
# make docs-csp-check: the interactive docs (/docs) under the API's Content-Security-Policy, in headless Chromium.
# Starts the API (Release) on a database of its own, loads /docs, sends a request from the docs' client and fails
# on any policy violation (tools/screenshots/docs-under-csp.mjs says which one is expected). Screenshot:
# .artifacts/docs-csp.png.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source scripts/api-sandbox.sh
mkdir -p .artifacts
(cd tools/screenshots && npm ci --no-audit --no-fund --silent)
api_sandbox_start notes_docs_csp 5130
API_URL="$SANDBOX_URL" SCREENSHOT="$repo/.artifacts/docs-csp.png" node tools/screenshots/docs-under-csp.mjs
