#!/usr/bin/python3
"""make bench's report: reads OUT/runs.tsv (what scripts/bench.sh ran, and where each output is) and writes
OUT/results.md (tables), OUT/results.json (the same figures) and OUT/bench.svg (a chart). Usage: bench/report.py OUT"""
import html
import json
import re
import statistics
import sys
from pathlib import Path

TARGETS = {"baseline": "Baseline", "api": "API", "api-notel": "API, telemetry off", "reference": "Reference (an earlier API)",
           "postgres": "PostgreSQL alone", "api-signed": "API, signed in",
           "floor": "Floor (the design's stack alone)"}
COLORS = {"baseline": "#9e9e9e", "api": "#3f51b5", "api-notel": "#90caf9", "reference": "#ffa726", "postgres": "#66bb6a", "api-signed": "#7e57c2", "floor": "#bcaaa4"}
HOSTILE = {"empty": "notes that break a rule (`{}`)", "padded": "good notes padded with a 60 KB unknown member"}
TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk(path):
    text = Path(path).read_text()
    latency = {q: re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M) for q in ("50", "99")}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    return {"rps": float(rps.group(1)) if rps else 0.0,
            **{f"p{q}": float(m.group(1)) * TO_MS[m.group(2)] if m else None for q, m in latency.items()},
            "non2xx": int(bad.group(1)) if bad else 0,
            "errors": sum(int(n) for n in errors.groups()) if errors else 0}


def pgbench(path):
    text = Path(path).read_text()
    tps = re.search(r"tps = ([\d.]+)", text)
    latency = re.search(r"latency average = ([\d.]+) ms", text)
    return {"rps": float(tps.group(1)) if tps else 0.0, "avg": float(latency.group(1)) if latency else None}


def read(out):
    settings, scenarios, cold, exports, hostile, streams = {}, [], {}, {}, [], {}
    for line in (out / "runs.tsv").read_text().splitlines():
        kind, *fields = line.split("\t")
        if kind == "setting":
            settings.update(zip(fields[::2], fields[1::2]))
        elif kind == "scenario":
            name, group, label, connections = fields
            scenarios.append({"name": name, "group": group, "label": label, "connections": int(connections), "results": {}})
        elif kind in ("wrk", "pgbench"):
            name, target, run_pass, _, path = fields
            scenario = next(s for s in scenarios if s["name"] == name)
            # the baseline runs in each pass; its second run is what the API with telemetry off is compared with
            key = f"{target}-{run_pass}" if target == "baseline" and run_pass != "1" else target
            scenario["results"][key] = wrk(path) if kind == "wrk" else pgbench(path)
        elif kind == "cold":
            cold[fields[0]] = [float(t) for t in fields[1:]]
        elif kind == "export":
            target, _, seconds, peak, size = fields
            exports.setdefault(target, []).append({"seconds": float(seconds), "peak_kb": int(peak), "bytes": None if size == "-" else int(size)})
        elif kind == "hostile":
            hostile.append(json.loads(fields[0]))
        elif kind == "streams":
            figures = json.loads(fields[0])
            streams[figures["mode"]] = figures
    return settings, scenarios, cold, exports, hostile, streams


def cell(result):
    if result is None:
        return "—"
    if "avg" in result:
        return f"{result['rps']:,.0f} tx/s · {result['avg']:.1f} ms avg" if result["avg"] is not None else f"{result['rps']:,.0f} tx/s"
    return f"{result['rps']:,.0f}/s · {result['p50']:.1f} / {result['p99']:.1f} ms"


def ratio(a, b, key="rps"):
    return f"{a[key] / b[key]:.2f}" if a and b and a.get(key) and b.get(key) else "—"


def failures(results):
    return " / ".join(f"{r['non2xx']}" + (f" (+{r['errors']} errors)" if r["errors"] else "")
                      for r in (results.get(t) for t in ("baseline", "api", "baseline-2", "api-notel", "api-again", "reference")) if r)


def off_baseline(results):
    """The baseline run the API with telemetry off is compared with: the one of its own pass."""
    return results.get("baseline-2") or results.get("baseline")


def swing(a, b, key):
    """How far two runs of the same build apart are, relative to their mean."""
    return abs(a[key] - b[key]) / ((a[key] + b[key]) / 2) if a.get(key) and b.get(key) else None


def against_reference(scenario):
    """The API (the mean of its two runs in pass 1) beside the reference, and whether it is slower than the reference by
    more than its own swing: in requests/s, or in p99. None without the reference's and both of the API's runs."""
    r = scenario["results"]
    first, again, reference = r.get("api"), r.get("api-again"), r.get("reference")
    if not (first and again and reference and reference["rps"] and reference["p99"]):
        return None
    api = {key: (first[key] + again[key]) / 2 for key in ("rps", "p99")}
    result = {"api": api, "reference": {key: reference[key] for key in ("rps", "p99")},
              "swing": {key: swing(first, again, key) for key in ("rps", "p99")},
              "ratio": {"rps": api["rps"] / reference["rps"], "p99": api["p99"] / reference["p99"]}}
    slower = []
    if result["ratio"]["rps"] < 1 - result["swing"]["rps"]:
        slower.append("req/s")
    if result["ratio"]["p99"] > 1 + result["swing"]["p99"]:
        slower.append("p99")
    result["slower"] = slower
    return result


def signed_in(scenario):
    """The auth phase's figures: its pairs of runs, open and signed in back to back, each pair's ratio, their median
    (the ratio reported) and the middle half of them (their quartiles), and each side's mean. None without a pair."""
    r = scenario["results"]
    pairs = []
    while r.get(f"api-pair-{len(pairs) + 1}") and r.get(f"api-signed-pair-{len(pairs) + 1}"):
        pairs.append((r[f"api-pair-{len(pairs) + 1}"], r[f"api-signed-pair-{len(pairs) + 1}"]))
    if not pairs or not all(o["rps"] for o, _ in pairs):
        return None
    ratios = [s["rps"] / o["rps"] for o, s in pairs]
    runs = {"open": [o for o, _ in pairs], "signed": [s for _, s in pairs]}
    mean = {side: {key: statistics.mean(x[key] for x in runs[side]) for key in ("rps", "p99")} for side in runs}
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else [ratios[0]] * 3
    return {"pairs": len(pairs), "ratio": statistics.median(ratios), "q1": quartiles[0], "q3": quartiles[2], **mean,
            "non2xx": sum(x["non2xx"] + x["errors"] for side in runs for x in runs[side])}


def goal_ratio(value, goal=0.9):
    """A ratio beside its goal: with a third decimal where two would round a miss up to the goal."""
    if value >= goal:
        return f"{value:.2f}"
    return f"{value:.3f} (below the goal)" if round(value, 2) >= goal else f"{value:.2f} (below the goal)"


def reference_table(settings, main):
    compared = [(s, against_reference(s)) for s in main]
    compared = [(s, c) for s, c in compared if c]
    if not compared:
        return []
    lines = [f"The API beside the reference, the API as it was at commit {settings.get('reference', '?')} "
             f"({settings.get('reference_date', '?')}), in the first pass: the API ran first and last in each scenario, the "
             "reference and the baseline between its two runs. The API's figures are the mean of its two runs; its own swing "
             "is how far those two runs are apart, relative to their mean. A scenario is flagged **slower** when the API's "
             "requests/s are below the reference's by more than that swing, or its p99 above the reference's by more than "
             "its p99's swing.", "",
             "| Scenario | API req/s (run 1 / run 2) | Reference req/s | API ÷ reference | own swing | API p99 (ms) | Reference p99 (ms) | API p99 ÷ reference p99 | own p99 swing | verdict |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for s, c in compared:
        r = s["results"]
        verdict = f"**slower** ({', '.join(c['slower'])})" if c["slower"] else "within the swing or faster"
        lines.append(f"| {s['label']} ({s['connections']} connections) | {c['api']['rps']:,.0f} ({r['api']['rps']:,.0f} / "
                     f"{r['api-again']['rps']:,.0f}) | {c['reference']['rps']:,.0f} | **{c['ratio']['rps']:.2f}** | "
                     f"{c['swing']['rps']:.0%} | {c['api']['p99']:.1f} | {c['reference']['p99']:.1f} | {c['ratio']['p99']:.2f} | "
                     f"{c['swing']['p99']:.0%} | {verdict} |")
    slower = [s["label"] + f" ({s['connections']})" for s, c in compared if c["slower"]]
    lines += ["", (f"Slower than the reference beyond the API's own swing: {'; '.join(slower)}." if slower else
                   "No scenario is slower than the reference beyond the API's own swing."), ""]
    return lines


def tables(settings, scenarios, cold, exports, hostile, streams):
    lines = []
    big = int(settings.get("big_notes", 0))
    lines.append(f"Measured on {settings.get('date')}: {settings.get('cores')} cores shared by the load generator, both services and "
                 f"PostgreSQL (load average {settings.get('load')} at the start, {settings.get('load_end', '?')} at the end); "
                 f"{settings.get('seconds')} s per run after a warm-up; {int(settings.get('notes', 0)):,} notes"
                 + (f", {big:,} for the deep pages and the export" if big else "")
                 + f"; the whole run took {settings.get('minutes', '?')} minutes.")
    lines.append("")
    main = [s for s in scenarios if s["group"] == "main"]
    if main:
        lines += ["Requests/s and p50 / p99 latency under wrk, the API and the baseline in turn. The API with telemetry off ran in a "
                  "second pass, in turn with the baseline again (its ratio is to that run of the baseline, in brackets). PostgreSQL "
                  "alone runs the baseline's statements under pgbench with as many clients. Non-2xx: baseline / API (/ baseline / "
                  "API with telemetry off / the API's second run / the reference, where they ran).", "",
                  "| Scenario | Baseline | API | API / baseline | API p99 / baseline p99 | API, telemetry off | off / baseline | PostgreSQL alone | non-2xx |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for s in main:
            r = s["results"]
            off = ratio(r.get("api-notel"), off_baseline(r))
            if r.get("api-notel") and r.get("baseline-2"):
                off += f" ({r['baseline-2']['rps']:,.0f}/s)"
            lines.append(f"| {s['label']} ({s['connections']} connections) | {cell(r.get('baseline'))} | {cell(r.get('api'))} | "
                         f"**{ratio(r.get('api'), r.get('baseline'))}** | {ratio(r.get('api'), r.get('baseline'), 'p99')} | "
                         f"{cell(r.get('api-notel'))} | {off} | {cell(r.get('postgres'))} | {failures(r)} |")
        lines.append("")
        lines += reference_table(settings, main)
    deep = [s for s in scenarios if s["group"] == "deep"]
    if deep:
        first = deep[0]["results"]
        lines += [f"A page of 20 over {big:,} notes (no count: one is sent only on `Prefer: count=...`), "
                  f"{deep[0]['connections']} connections: the first page, and the last by cursor and by offset, beside the first "
                  "page over 1,000 notes (goal: the first page over 1,000,000 within 1.5× its p50).", "",
                  "| Page | Baseline | API | API / baseline | API p99 / baseline p99 | PostgreSQL alone | API p50 / p50 over 1,000 | baseline p50 / p50 over 1,000 | non-2xx |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for s in deep:
            r = s["results"]
            lines.append(f"| {s['label']} | {cell(r.get('baseline'))} | {cell(r.get('api'))} | **{ratio(r.get('api'), r.get('baseline'))}** | "
                         f"{ratio(r.get('api'), r.get('baseline'), 'p99')} | {cell(r.get('postgres'))} | "
                         f"{ratio(r.get('api'), first.get('api'), 'p50')} | {ratio(r.get('baseline'), first.get('baseline'), 'p50')} | "
                         f"{failures(r)} |")
        lines.append("")
    if exports:
        copy = exports.get("postgres")
        copy_time = statistics.median(e["seconds"] for e in copy) if copy else None
        lines += [f"`GET /notes/all` over {big:,} notes beside `psql \\copy` of the same column, median of {len(next(iter(exports.values())))} runs; "
                  "both services are started for it and export once before the measured runs; "
                  "peak RSS is the process's high-water mark during the export.", "",
                  "| Export | time (s) | min – max (s) | peak RSS (MB) | MB sent | time / psql \\copy |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for target in ("baseline", "api", "api-notel", "postgres"):
            if target not in exports:
                continue
            runs = exports[target]
            median = statistics.median(e["seconds"] for e in runs)
            size = runs[0]["bytes"]
            name = "psql \\copy (PostgreSQL alone)" if target == "postgres" else TARGETS[target]
            lines.append(f"| {name} | {median:.2f} | {min(e['seconds'] for e in runs):.2f} – {max(e['seconds'] for e in runs):.2f} | "
                         f"{max(e['peak_kb'] for e in runs) / 1024:.0f} | {'—' if size is None else f'{size / 1e6:,.0f}'} | "
                         f"{'—' if not copy_time else f'{median / copy_time:.2f}'} |")
        lines.append("")
    if hostile:
        lines += ["What a hostile `POST /notes/import` costs the API in memory: its peak RSS (high-water mark) after a warm-up and "
                  "after the import (goal: raised by less than 64 MiB).", "",
                  "| Import body | answer | time (s) | peak RSS before (MiB) | after (MiB) | raised (MiB) |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for h in hostile:
            lines.append(f"| {h['body_mib']} MiB, {HOSTILE[h['kind']]} | {h['status']} | {h['seconds']:.1f} | {h['baseline_mib']:.0f} | "
                         f"{h['peak_mib']:.0f} | **{h['raised_mib']:.1f}** |")
        lines.append("")
    auth = [(s, signed_in(s)) for s in scenarios if s["group"] == "auth"]
    auth = [(s, a) for s, a in auth if a]
    if auth:
        lines += ["What signing in costs a read: two processes of the API side by side, one open, one with a bearer scheme whose "
                  "keys come from an OpenID Connect provider on loopback (RS256), every request with the same token; each reads one "
                  "note it created (signed in: with its token). Both warmed up, then measured in pairs of short runs, open and "
                  "signed in back to back (which goes first alternates). The ratio is the median of the pairs' ratios, which "
                  "neither a drift in the machine's speed nor a burst of noise in one run moves far; the middle half of the "
                  "pairs' ratios shows how noisy the machine was. Requests/s and p99 are each side's mean over its runs. Goal: signed "
                  "in at 0.9 of the open API's requests/s or more.", "",
                  "| Scenario | pairs | open req/s | signed in req/s | signed in ÷ open, median of the pairs (goal ≥ 0.9) | the middle half of the pairs' ratios | p99 open / signed in (ms) | non-2xx |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for s, a in auth:
            lines.append(f"| {s['label']} ({s['connections']} connections) | {a['pairs']} | {a['open']['rps']:,.0f} | "
                         f"{a['signed']['rps']:,.0f} | **{goal_ratio(a['ratio'])}** | {a['q1']:.2f} – {a['q3']:.2f} | "
                         f"{a['open']['p99']:.1f} / {a['signed']['p99']:.1f} | {a['non2xx']} |")
        lines.append("")
    lines += streams_tables(streams)
    if cold:
        lines += ["Process start to the first 200 of `GET /notes/1`.", "",
                  "| Cold start | median (ms) | min – max (ms) | runs | median ÷ baseline's | median ÷ floor's |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for target in ("baseline", "floor", "api", "api-notel"):
            if target in cold:
                times = cold[target]
                ratios = [f"{statistics.median(times) / statistics.median(cold[to]):.2f}×" if cold.get(to) else "–" for to in ("baseline", "floor")]
                lines.append(f"| {TARGETS[target]} | {statistics.median(times):,.0f} | {min(times):,.0f} – {max(times):,.0f} | {len(times)} | {' | '.join(ratios)} |")
        lines.append("")
    return "\n".join(lines)


def streams_tables(streams):
    live, idle = streams.get("live"), streams.get("idle")
    lines = []
    if live:
        m, s = live["ms"], live["ms_after_send"]
        refused = f" ({sum(live['refused'].values())} refused)" if live["refused"] else ""
        per_write = f"{live['database_transactions'] / live['writes']:,.0f}" if live.get("database_transactions") and live["writes"] else "—"
        lines += [f"The changes feed as server-sent events: {live['streams']:,} streams (`GET /notes/changes?since=now`, "
                  f"`Accept: text/event-stream`) from one client, then {live['writes']} `POST /notes` one after the other, at most "
                  f"{live['rate']:g} a second; each note's event timed on every stream from the arrival of the POST's answer (the commit "
                  "is before it, so an event may come first: negative), and from just before the POST was sent. Goal: p99 under "
                  "100 ms, none missing. CPU: percent of one core during the writes. Database transactions: what PostgreSQL ran on "
                  "the API's database while the part ran (the streams' reads of the feed among them), per measured write.", "",
                  "| Streams open | deliveries | missing | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | p99 after sending (ms) | API CPU | client CPU | database transactions per write |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                  f"| {live['open']:,}{refused} | {live['deliveries']:,} | {live['missing']:,} | {m['p50']} | {m['p90']} | **{m['p99']}** | "
                  f"{m['max']} | {s['p99']} | {live['server_cpu_percent']}% | {live['client_cpu_percent']}% | {per_write} |", ""]
    if idle:
        refused = ", ".join(f"{n} {why}" for why, n in idle["refused"].items()) or "none"
        lines += [f"{idle['streams']:,} idle streams on an API process started for them, held {idle['held_seconds']:.0f} s: its RSS "
                  "before, while held (sampled each second), and its high-water mark; then the streams closed and `/health/ready` "
                  "asked. Goal: under 512 MB, every stream 200 `text/event-stream`.", "",
                  "| Streams open | refused | opened in (s) | dropped | RSS before (MB) | RSS held (MB) | peak (MB) | RSS after closing (MB) | /health/ready after | API CPU held | database transactions |",
                  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
                  f"| {idle['open']:,} | {refused} | {idle['open_seconds']} | {idle['dropped']} | {idle['rss_before_mb']} | "
                  f"{idle['rss_held_max_mb']} | **{idle['peak_mb']}** | {idle['rss_after_close_mb']} | {idle['health_after_close']} | "
                  f"{idle['server_cpu_percent']}% | {idle.get('database_transactions', 0):,} |", ""]
    return lines


def chart(settings, scenarios, cold, exports, hostile, streams):
    """Panels of horizontal bars, each with its own scale: the API's throughput as a ratio to the baseline it ran beside
    (1.00 is the baseline), then times (less is better)."""
    panels = []  # (title, rows of (label, [(target, value, text)]), where the baseline's 1.00 is, if it is a ratio panel)
    main = [s for s in scenarios if s["group"] == "main"]
    if main:
        rows = []
        for s in main:
            bars = []
            for target in ("api", "api-notel", "reference"):
                result, baseline = s["results"].get(target), (off_baseline(s["results"]) if target == "api-notel" else s["results"].get("baseline"))
                if result and baseline and baseline["rps"]:
                    value = result["rps"] / baseline["rps"]
                    bars.append((target, value, f"{value:.2f}: {result['rps']:,.0f}/s beside {baseline['rps']:,.0f}/s"))
            rows.append((f"{s['label']} ({s['connections']})", bars))
        panels.append(("Requests/s as a ratio to the baseline run beside it (1.00: as fast as the baseline)", rows, 1.0))
    deep = [s for s in scenarios if s["group"] == "deep"]
    if deep:
        panels.append((f"A page of 20 over {int(settings.get('big_notes', 0)):,} notes: p50 in ms (less is better)", [
            (s["label"], [(t, s["results"][t]["p50"], f"{s['results'][t]['p50']:,.0f} ms") for t in ("baseline", "api") if t in s["results"]])
            for s in deep], None))
    if exports:
        bars = []
        for target in ("baseline", "api", "api-notel", "postgres"):
            if target in exports:
                median = statistics.median(e["seconds"] for e in exports[target])
                peak = max(e["peak_kb"] for e in exports[target]) / 1024
                bars.append((target, median, f"{median:.2f} s, peak RSS {peak:.0f} MB" + (" (psql \\copy)" if target == "postgres" else "")))
        panels.append(("GET /notes/all, median time (less is better)", [("export", bars)], None))
    if hostile:
        panels.append(("Hostile imports: the API's peak RSS raised, MiB (less is better; goal under 64)", [
            (f"{h['body_mib']} MiB, {HOSTILE[h['kind']]}", [("api", h["raised_mib"], f"{h['raised_mib']:.1f} MiB ({h['status']})")]) for h in hostile],
            None))
    auth = [(s, signed_in(s)) for s in scenarios if s["group"] == "auth"]
    auth = [(s, a) for s, a in auth if a]
    if auth:
        panels.append(("Signed in: requests/s as a ratio to the open API, the median of its pairs of runs (1.00: as fast; goal 0.90 or more)", [
            (f"{s['label']} ({s['connections']})",
             [("api-signed", a["ratio"], f"{goal_ratio(a['ratio'])}, median of {a['pairs']} pairs (middle half {a['q1']:.2f} – {a['q3']:.2f})")])
            for s, a in auth], 1.0))
    live, idle = streams.get("live"), streams.get("idle")
    if live and live["deliveries"]:
        m = live["ms"]
        panels.append((f"Changes feed: an event's delivery to {live['open']:,} streams after the POST's answer, ms (goal: p99 under 100)", [
            (q, [("api", m[q], f"{m[q]:,.1f} ms")]) for q in ("p50", "p90", "p99", "max")], 100.0))
    if idle:
        panels.append((f"Changes feed: the API's RSS with {idle['open']:,} idle streams, MB (goal: under 512)", [
            (label, [("api", idle[key], f"{idle[key]:,} MB")]) for label, key in (
                ("before the streams", "rss_before_mb"), ("streams held (highest)", "rss_held_max_mb"), ("peak (high-water mark)", "peak_mb"))], 512.0))
    if cold:
        panels.append(("Process start to the first 200, median (less is better)", [
            ("cold start", [(t, statistics.median(cold[t]), f"{statistics.median(cold[t]):,.0f} ms") for t in ("baseline", "floor", "api", "api-notel") if t in cold])],
            None))

    width, left, bar, gap = 980, 330, 16, 12
    svg, y = [], 56
    shown = {target for _, rows, _ in panels for _, bars in rows for target, _, _ in bars}
    # four to a line: a whole run shows six
    legend = "".join(f'<rect x="{10 + i % 4 * 240}" y="{24 + i // 4 * 16}" width="12" height="12" fill="{COLORS[t]}"/>'
                     f'<text x="{27 + i % 4 * 240}" y="{35 + i // 4 * 16}">{html.escape(name)}</text>'
                     for i, (t, name) in enumerate((t, name) for t, name in TARGETS.items() if t in shown))
    for title, rows, one in panels:
        y += 28
        svg.append(f'<text x="10" y="{y}" font-weight="bold">{html.escape(title)}</text>')
        y += 10
        peak = max([v for _, bars in rows for _, v, _ in bars if v] + [one or 0], default=1) or 1
        scale = (width - left - 260) / peak
        if one:  # drawn first, behind the bars
            x, bottom = left + one * scale, y + sum(len(bars) * bar + gap for _, bars in rows) - gap
            svg.append(f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x:.1f}" y2="{bottom + 2}" stroke="#9e9e9e" stroke-dasharray="4 3"/>')
        for label, bars in rows:
            svg.append(f'<text x="{left - 8}" y="{y + len(bars) * bar / 2 + 4:.0f}" text-anchor="end">{html.escape(label)}</text>')
            for target, value, text in bars:
                w = (value or 0) * scale
                svg.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 2}" fill="{COLORS[target]}"/>')
                svg.append(f'<text x="{left + w + 5:.1f}" y="{y + 12}">{html.escape(text)}</text>')
                y += bar
            y += gap
    height = y + 10
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
            f'<rect width="{width}" height="{height}" fill="white"/>',
            f'<text x="10" y="16" font-size="15" font-weight="bold">The Notes API beside a bare ASP.NET Core + Npgsql service, '
            f'{html.escape(str(settings.get("date", "")))}, {html.escape(str(settings.get("cores", "?")))} cores</text>', legend]
    return "\n".join(head + svg + ["</svg>"]) + "\n"


def main():
    out = Path(sys.argv[1])
    settings, scenarios, cold, exports, hostile, streams = read(out)
    markdown = tables(settings, scenarios, cold, exports, hostile, streams)
    (out / "results.md").write_text(markdown)
    for scenario in scenarios:
        if scenario["group"] == "main" and (compared := against_reference(scenario)):
            scenario["against_reference"] = compared
    (out / "results.json").write_text(json.dumps({"settings": settings, "scenarios": scenarios, "cold_start_ms": cold,
                                                  "exports": exports, "hostile_imports": hostile, "streams": streams}, indent=2) + "\n")
    (out / "bench.svg").write_text(chart(settings, scenarios, cold, exports, hostile, streams))
    print(markdown)


if __name__ == "__main__":
    main()
