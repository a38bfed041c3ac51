#!/usr/bin/python3
"""An OpenID Connect provider for make bench's signed-in run (bench/auth.bench.sh), on 127.0.0.1:PORT: its discovery
document (/.well-known/openid-configuration) and its one RS256 key (/jwks), as any provider publishes them. It writes
one token (sub "bench", audience notes-api, scopes notes:read notes:write, valid two hours) to TOKEN_FILE once it
serves, then serves until stopped, or for SECONDS at most. Debian's python3-jwt and python3-cryptography.
Usage: bench/issuer.py PORT TOKEN_FILE [SECONDS]"""
import http.server
import json
import os
import sys
import threading
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

AUDIENCE = "notes-api"


def main():
    port, token_file = int(sys.argv[1]), sys.argv[2]
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 3600
    issuer = f"http://127.0.0.1:{port}"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "bench", "use": "sig", "alg": "RS256"}
    documents = {
        "/.well-known/openid-configuration": {"issuer": issuer, "jwks_uri": f"{issuer}/jwks",
                                              "id_token_signing_alg_values_supported": ["RS256"]},
        "/jwks": {"keys": [jwk]},
    }

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            document = documents.get(self.path)
            body = json.dumps(document).encode() if document else b""
            self.send_response(200 if document else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    now = int(time.time())
    token = jwt.encode({"iss": issuer, "aud": AUDIENCE, "sub": "bench", "scope": "notes:read notes:write",
                        "iat": now, "nbf": now - 1, "exp": now + 7200}, key, algorithm="RS256", headers={"kid": "bench"})
    with open(token_file + ".part", "w") as out:
        out.write(token)
    os.replace(token_file + ".part", token_file)  # whole, or not there yet
    threading.Timer(lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
