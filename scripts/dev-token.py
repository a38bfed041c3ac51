#!/usr/bin/python3
"""A bearer token the API takes when it runs with scripts/dev-auth.sh's environment (make run AUTH=on): HS256, signed
with the dev key, for the issuer and audience that environment names. Prints the token alone on stdout.

Usage: dev-token.py USER [--expires 1h] [--scope "notes:read notes:write"]
  USER       the token's subject (sub), who the API takes the caller for
  --expires  how long the token is valid: seconds, or a number with s, m, h or d (default 1h)
  --scope    the scopes it grants (default both of the API's: notes:read notes:write)
"""
import argparse
import base64
import re
import subprocess
import sys
import time
from pathlib import Path

try:
    import jwt
except ImportError:
    sys.exit("dev-token: PyJWT is missing: scripts/ensure-packages.sh python3-jwt")

HERE = Path(__file__).resolve().parent
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def lifetime(text):
    match = re.fullmatch(r"(\d+)([smhd]?)", text.strip())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a positive number of seconds, or a number with s, m, h or d (90m)")
    return int(match.group(1)) * UNITS[match.group(2) or "s"]


def settings():
    """The issuer, audience and key the API is configured with, from scripts/dev-auth.sh itself."""
    answer = subprocess.run([str(HERE / "dev-auth.sh"), "env"], capture_output=True, text=True)
    if answer.returncode != 0:
        sys.exit(answer.stderr.strip() or "dev-token: scripts/dev-auth.sh failed")
    values = dict(line.removeprefix("export ").split("=", 1) for line in answer.stdout.splitlines())
    section = "Authentication__Schemes__Bearer__"
    return (values[section + "ValidIssuer"], values[section + "ValidAudiences__0"],
            values[section + "SigningKeys__0__Value"])


def main():
    parser = argparse.ArgumentParser(prog="dev-token.py", description="A bearer token signed with the dev key.")
    parser.add_argument("user", help="the token's subject (sub)")
    parser.add_argument("--expires", type=lifetime, default=3600, help="seconds, or 30m, 8h, 2d (default 1h)")
    parser.add_argument("--scope", default="notes:read notes:write", help="space-separated scopes")
    args = parser.parse_args()
    if not args.user.strip():
        parser.error("the user is empty")
    issuer, audience, key = settings()
    now = int(time.time())
    claims = {"sub": args.user, "aud": audience, "iss": issuer, "iat": now, "nbf": now, "exp": now + args.expires,
              "scope": args.scope}
    print(jwt.encode(claims, base64.b64decode(key), algorithm="HS256"))


if __name__ == "__main__":
    main()
