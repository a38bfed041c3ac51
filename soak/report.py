#!/usr/bin/python3
"""Judges a soak run and draws it. Reads rss.csv (the API's resident memory, sampled every second) and requests.csv
(answers per second by status class) from the folder given, writes result.md and soak.svg there, prints the result
and exits 1 when the run failed.

The run fails on any 5xx answer, on any request that got no answer at all, or on memory that keeps growing.
"Keeps growing" is judged on the second half of the run only, after the warm-up (JIT compilation, the connection
pool filling, the garbage collector sizing its heap): a least-squares line is fitted to the RSS samples of the
second half, and the run fails when that line rises, across the second half, by more than 10% of the second half's
median RSS, and by at least 16 MiB (so that the garbage collector's sawtooth on a small heap is not taken for a leak).
A leak of a few hundred bytes per request shows as a steady climb of tens of MiB over the minutes of a soak."""
import csv
import html
import math
import statistics
import sys
from pathlib import Path

out, planned_seconds, users = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
GROWTH_SHARE, GROWTH_FLOOR_MIB = 0.10, 16.0

with open(out / "rss.csv") as f:
    rss = [(float(row["time"]), int(row["rss_kib"]) / 1024) for row in csv.DictReader(f) if row["rss_kib"]]
with open(out / "requests.csv") as f:
    requests = [{key: int(value) for key, value in row.items()} for row in csv.DictReader(f)]

start = min(rss[0][0], requests[0]["second"])
rss = [(t - start, mib) for t, mib in rss]
per_second = {row["second"] - int(start): row for row in requests}
end = max(rss[-1][0], max(per_second))

totals = {key: sum(row[key] for row in requests) for key in ("total", "2xx", "3xx", "4xx", "5xx", "errors")}
busy = [row["total"] for second, row in per_second.items() if 0 < second < end - 1]
mean_rate = statistics.mean(busy) if busy else 0.0

half = end / 2
second_half = [(t, mib) for t, mib in rss if t >= half]
xs, ys = [t for t, _ in second_half], [mib for _, mib in second_half]
mx, my = statistics.mean(xs), statistics.mean(ys)
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)  # MiB per second
rise = slope * (xs[-1] - xs[0])
median_second_half = statistics.median(ys)
allowed_rise = max(GROWTH_FLOOR_MIB, GROWTH_SHARE * median_second_half)

failures = []
if totals["5xx"]:
    failures.append(f"{totals['5xx']} answers were 5xx")
if totals["errors"]:
    failures.append(f"{totals['errors']} requests got no answer")
if rise > allowed_rise:
    failures.append(f"memory kept growing: +{rise:.1f} MiB across the second half (allowed: {allowed_rise:.1f} MiB)")
if end < 0.9 * planned_seconds:
    failures.append(f"the run lasted {end:.0f} s of the {planned_seconds} s planned")
verdict = "FAILED: " + "; ".join(failures) if failures else "passed"

rows = [
    "| | |",
    "| --- | ---: |",
    f"| length, users | {end / 60:.1f} min, {users} |",
    f"| requests | {totals['total']:,} ({mean_rate:,.0f}/s on average) |",
    f"| 2xx / 3xx / 4xx | {totals['2xx']:,} / {totals['3xx']:,} / {totals['4xx']:,} |",
    f"| 5xx / no answer | {totals['5xx']} / {totals['errors']} |",
    f"| API RSS: first sample, peak, last | {rss[0][1]:.0f} / {max(ys + [m for _, m in rss]):.0f} / {rss[-1][1]:.0f} MiB |",
    f"| RSS trend over the second half | {rise:+.1f} MiB ({slope * 60:+.2f} MiB/min); allowed {allowed_rise:.1f} MiB |",
    f"| verdict | {verdict} |",
]
(out / "result.md").write_text("\n".join(rows) + "\n")
print("\n".join(rows))

# The chart: RSS (left axis) and throughput (right axis, 5 s moving average) over time; the second half shaded with
# its fitted RSS trend; any 5xx or unanswered request as a red tick at the bottom.
W, H, L, R, T, B = 900, 430, 70, 70, 60, 50
pw, ph = W - L - R, H - T - B
rate = [(s, per_second.get(s, {"total": 0})["total"]) for s in range(0, int(end) + 1)]
smooth = [(s, statistics.mean(v for _, v in rate[max(0, i - 4):i + 1])) for i, (s, _) in enumerate(rate)]


def nice(value):
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above value: a round top for an axis of 5 steps."""
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


top_mib = nice(max(m for _, m in rss) * 1.1)
top_rate = nice(max(max(v for _, v in smooth), 1) * 1.1)
X = lambda t: L + pw * t / end  # noqa: E731
Y_mib = lambda m: T + ph * (1 - m / top_mib)  # noqa: E731
Y_rate = lambda r: T + ph * (1 - r / top_rate)  # noqa: E731
line = lambda points, f: " ".join(f"{X(t):.1f},{f(v):.1f}" for t, v in points)  # noqa: E731
title = f"Soak: {end / 60:.1f} min, {users} users, {totals['total']:,} requests, {totals['5xx']} 5xx; RSS trend {rise:+.1f} MiB over the second half: {verdict}"
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{L}" y="22" font-size="14" font-weight="bold">{html.escape(title)}</text>',
       f'<rect x="{X(half):.1f}" y="{T}" width="{X(end) - X(half):.1f}" height="{ph}" fill="#fff3e0"/>',
       f'<text x="{X(half) + 4:.1f}" y="{T + 14}" fill="#e65100">second half: judged for growth</text>']
for i in range(6):
    y = T + ph * i / 5
    svg.append(f'<line x1="{L}" y1="{y:.1f}" x2="{L + pw}" y2="{y:.1f}" stroke="#eee"/>')
    svg.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#1565c0">{top_mib * (1 - i / 5):.0f}</text>')
    svg.append(f'<text x="{L + pw + 6}" y="{y + 4:.1f}" fill="#555">{top_rate * (1 - i / 5):.0f}</text>')
step = 60 if end > 240 else 10 if end <= 90 else 30
for s in range(0, int(end) + 1, step):
    svg.append(f'<text x="{X(s):.1f}" y="{T + ph + 16}" text-anchor="middle">{s // 60}:{s % 60:02d}</text>')
svg += [f'<text x="{L + pw / 2}" y="{H - 12}" text-anchor="middle">time (min:s)</text>',
        f'<text x="16" y="{T + ph / 2}" fill="#1565c0" transform="rotate(-90 16 {T + ph / 2})" text-anchor="middle">API RSS (MiB)</text>',
        f'<text x="{W - 14}" y="{T + ph / 2}" fill="#555" transform="rotate(90 {W - 14} {T + ph / 2})" text-anchor="middle">requests/s (5 s average)</text>',
        f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>',
        f'<polyline points="{line(smooth, Y_rate)}" fill="none" stroke="#9e9e9e" stroke-width="1.2"/>',
        f'<polyline points="{line(rss, Y_mib)}" fill="none" stroke="#1565c0" stroke-width="2"/>',
        f'<line x1="{X(xs[0]):.1f}" y1="{Y_mib(my + slope * (xs[0] - mx)):.1f}" x2="{X(xs[-1]):.1f}" y2="{Y_mib(my + slope * (xs[-1] - mx)):.1f}" '
        f'stroke="#e65100" stroke-width="2" stroke-dasharray="6 4"/>']
for second, row in per_second.items():
    if row["5xx"] or row["errors"]:
        svg.append(f'<line x1="{X(second):.1f}" y1="{T + ph - 12}" x2="{X(second):.1f}" y2="{T + ph}" stroke="#c62828" stroke-width="2"/>')
legend = [("#1565c0", "API RSS"), ("#9e9e9e", "requests/s"), ("#e65100", "RSS trend, second half"), ("#c62828", "5xx or no answer")]
for i, (color, label) in enumerate(legend):
    x = L + i * 190
    svg.append(f'<rect x="{x}" y="34" width="14" height="4" fill="{color}"/><text x="{x + 20}" y="40">{label}</text>')
svg.append("</svg>")
(out / "soak.svg").write_text("\n".join(svg) + "\n")
print(f"soak: wrote {out}/result.md and {out}/soak.svg")
sys.exit(1 if failures else 0)
