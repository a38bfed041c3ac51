#!/usr/bin/env bash
# make adminer-check: the API on a fresh database stores notes, and adminer must show them in mt_doc_note
# after logging in as a user would (scripts/adminer-check.py). Everything runs on 127.0.0.1 and stops at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/api-sandbox.sh
api_sandbox_start notes_adminer_check 0
API_URL="$SANDBOX_URL" DB_SERVER="$SANDBOX_DB_SERVER" DB_NAME="$SANDBOX_DB" /usr/bin/python3 scripts/adminer-check.py
