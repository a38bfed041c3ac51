#!/usr/bin/env bash
# Bearer tokens with no identity provider installed, for development: one random HS256 key, made the first time it
# is needed in .artifacts/dev-auth/signing-key (ignored by git, readable by its owner only). NOTES_SIGNING_KEY
# (base64, at least 32 bytes), when set, is used instead of that file.
#   scripts/dev-auth.sh [env]   the environment that configures the API's standard bearer section
#                               (Authentication:Schemes:Bearer, as `dotnet user-jwts` does) for the key, as export
#                               lines: eval "$(scripts/dev-auth.sh)" (make run AUTH=on, make cluster AUTH=on)
#   scripts/dev-auth.sh key     the key, base64: NOTES_SIGNING_KEY=$(scripts/dev-auth.sh key) for docker compose
# scripts/dev-token.py (make token USER=alice) signs tokens with the same key, issuer and audience.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
key_file="$repo/.artifacts/dev-auth/signing-key"
issuer=notes-dev
audience=notes-api

die() { printf 'dev-auth: %s\n' "$*" >&2; exit 1; }

key() {
  local key
  if [ -n "${NOTES_SIGNING_KEY:-}" ]; then
    key=$NOTES_SIGNING_KEY
  else
    if [ ! -s "$key_file" ]; then
      mkdir -p "$(dirname "$key_file")"
      # 256 random bits, HS256's key size; the file appears whole or not at all
      (umask 077 && head -c 32 /dev/urandom | base64 >"$key_file.new" && mv "$key_file.new" "$key_file")
    fi
    key=$(<"$key_file")
  fi
  # The API would take a short or broken key and then refuse every token: say so now instead.
  local bytes
  bytes=$(base64 -d <<<"$key" 2>/dev/null | wc -c) && [[ "$key" =~ ^[A-Za-z0-9+/]+=*$ ]] && [ "$bytes" -ge 32 ] \
    || die "the signing key ($([ -n "${NOTES_SIGNING_KEY:-}" ] && echo NOTES_SIGNING_KEY || echo "$key_file")) is not base64 of at least 32 bytes"
  printf '%s\n' "$key"
}

env_lines() {
  local key section=Authentication__Schemes__Bearer
  key=$(key)
  printf 'export %s=%s\n' \
    "${section}__ValidIssuer" "$issuer" \
    "${section}__ValidAudiences__0" "$audience" \
    "${section}__SigningKeys__0__Issuer" "$issuer" \
    "${section}__SigningKeys__0__Value" "$key"
}

case "${1:-env}" in
  env) env_lines ;;
  key) key ;;
  *) echo "usage: $0 [env|key]" >&2; exit 2 ;;
esac
