#!/usr/bin/python3
"""Reads the wrk (API) and pgbench (PostgreSQL alone, same statements) outputs of each endpoint and writes a
Markdown table and an SVG chart: the API side by side with the database doing the same work, and their ratio."""
import html
import re
import sys
from pathlib import Path

out = Path(sys.argv[1])
runs = [line.split("\t") for line in (out / "runs.tsv").read_text().splitlines()]  # name, label


def wrk(name):
    text = (out / f"{name}.wrk.txt").read_text()
    to_ms = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    p = {q: re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)$", text, re.M) for q in ("50", "99")}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
            **{f"p{q}": float(m.group(1)) * to_ms[m.group(2)] for q, m in p.items()},
            "bad": int(bad.group(1)) if bad else 0}


def pgbench(name):
    text = (out / f"{name}.pgbench.txt").read_text()
    return float(re.search(r"tps = ([\d.]+)", text).group(1))


rows = ["| Endpoint | API requests/s | API p50 / p99 (ms) | PostgreSQL alone, same statements (tx/s) | API / PostgreSQL | API non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |"]
results = []
for name, label in runs:
    api, db = wrk(name), pgbench(name)
    results.append((label, api["rps"], db))
    rows.append(f"| {label} | {api['rps']:,.0f} | {api['p50']:.1f} / {api['p99']:.1f} | {db:,.0f} | "
                f"{api['rps'] / db:.2f} | {api['bad']} |")
(out / "results.md").write_text("\n".join(rows) + "\n")

left, width, bar, top = 190, 820, 18, 48
height = top + len(results) * (2 * bar + 22) + 10
peak = max(max(api, db) for _, api, db in results)
scale = (width - left - 170) / peak
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
       '<text x="10" y="20" font-size="15" font-weight="bold">Throughput: the API vs PostgreSQL alone doing the same statements</text>',
       '<rect x="10" y="30" width="12" height="12" fill="#3f51b5"/><text x="27" y="41">API (wrk, requests/s)</text>',
       '<rect x="200" y="30" width="12" height="12" fill="#9e9e9e"/><text x="217" y="41">PostgreSQL alone (pgbench, tx/s)</text>']
for i, (label, api, db) in enumerate(results):
    y = top + 8 + i * (2 * bar + 22)
    svg.append(f'<text x="{left - 8}" y="{y + bar + 4}" text-anchor="end">{html.escape(label)}</text>')
    for j, (value, color) in enumerate(((api, "#3f51b5"), (db, "#9e9e9e"))):
        w = value * scale
        svg.append(f'<rect x="{left}" y="{y + j * bar}" width="{w:.1f}" height="{bar - 2}" fill="{color}"/>')
        note = f" ({api / db:.2f} of PostgreSQL)" if j == 0 else ""
        svg.append(f'<text x="{left + w + 5:.1f}" y="{y + j * bar + 13}">{value:,.0f}/s{note}</text>')
svg.append("</svg>")
(out / "bench.svg").write_text("\n".join(svg) + "\n")
print("\n".join(rows))
